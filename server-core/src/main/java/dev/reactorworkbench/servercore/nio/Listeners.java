package dev.reactorworkbench.servercore.nio;

import dev.reactorworkbench.echoprotocol.server.ServerConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/** Opens the listening socket the same way for every NIO model. */
public final class Listeners {

    private Listeners() {
    }

    /**
     * A non-blocking listener bound to the config's host, port and backlog, with SO_REUSEADDR
     * (so a restarted server can bind at once while old connections sit in TIME_WAIT).
     *
     * @param reusePort also set SO_REUSEPORT, so several listeners can share the port
     * @throws java.net.BindException        when the port is in use
     * @throws UnsupportedOperationException when {@code reusePort} is asked for and the platform lacks it
     */
    public static ServerSocketChannel bind(ServerConfig config, int port, boolean reusePort) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort) {
                if (!listener.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                    throw new UnsupportedOperationException("SO_REUSEPORT is not supported on this platform ("
                            + System.getProperty("os.name") + "); use the multi-reactor model instead");
                }
                listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            listener.bind(new InetSocketAddress(config.host(), port), config.backlog());
            listener.configureBlocking(false);
            return listener;
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    /** {@link #bind(ServerConfig, int, boolean)} on the config's port, without SO_REUSEPORT. */
    public static ServerSocketChannel bind(ServerConfig config) throws IOException {
        return bind(config, config.port(), false);
    }
}
