package dev.reactorworkbench.echoprotocol.server;

import java.net.InetSocketAddress;

/** A started model. */
public interface RunningServer extends AutoCloseable {

    /** The address the server listens on, with the real port when the config asked for port 0. */
    InetSocketAddress address();

    default int port() {
        return address().getPort();
    }

    ServerStats stats();

    /**
     * Graceful close: stop accepting, flush the replies to everything already read, close every
     * connection, join every thread this server started, free the port. Idempotent; returns
     * when all of that is done.
     */
    @Override
    void close();
}
