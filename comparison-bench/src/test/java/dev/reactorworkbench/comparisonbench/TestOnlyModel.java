package dev.reactorworkbench.comparisonbench;

import dev.reactorworkbench.echoprotocol.server.ModelOption;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A model that exists only on the test class path (registered in src/test/resources/META-INF/services):
 * it binds a listening socket and serves nothing, which is all the command line needs to be tested.
 */
public final class TestOnlyModel implements ServerModel {

    static final String NAME = "test-only-model";

    /** Every listener a test started, so a test can check it was closed. Written by the thread running serve. */
    static final List<ServerSocket> LISTENERS = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Binds a port and answers nothing; lives only on the test class path.";
    }

    @Override
    public List<ModelOption> options() {
        return List.of(new ModelOption("flavour", "Which flavour of nothing to serve", "plain"));
    }

    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        ServerSocket listener = new ServerSocket(config.port(), config.backlog(), InetAddress.getByName(config.host()));
        LISTENERS.add(listener);
        ServerStats stats = new ServerStats();
        return new RunningServer() {
            @Override
            public InetSocketAddress address() {
                return (InetSocketAddress) listener.getLocalSocketAddress();
            }

            @Override
            public ServerStats stats() {
                return stats;
            }

            @Override
            public void close() {
                try {
                    listener.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
