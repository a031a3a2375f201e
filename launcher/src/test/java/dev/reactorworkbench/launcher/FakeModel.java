package dev.reactorworkbench.launcher;

import dev.reactorworkbench.echoprotocol.server.ModelOption;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model that binds a real listening socket on the requested host and port (so a port in use is a
 * real {@link java.net.BindException}) and serves nothing. Records what it was asked to do.
 */
final class FakeModel implements ServerModel {

    /** Configs {@link #start} was called with; written by the thread running the launcher. */
    final List<ServerConfig> started = new CopyOnWriteArrayList<>();
    final List<Server> servers = new CopyOnWriteArrayList<>();
    /** When set, {@link #start} throws it instead of binding. */
    Exception failWith;
    /** When set, each close() is reported here (the subprocess test reads it). */
    PrintStream closeLog;

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String description() {
        return "A model for launcher tests that binds a port and serves nothing.";
    }

    @Override
    public List<ModelOption> options() {
        return List.of(new ModelOption("flavour", "Which flavour of nothing to serve", "plain"));
    }

    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        started.add(config);
        if (failWith instanceof IOException e) {
            throw e;
        }
        if (failWith instanceof RuntimeException e) {
            throw e;
        }
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(new InetSocketAddress(config.host(), config.port()), config.backlog());
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        Server server = new Server(listener);
        servers.add(server);
        return server;
    }

    final class Server implements RunningServer {
        final ServerSocket listener;
        final ServerStats stats = new ServerStats();
        final AtomicInteger closeCalls = new AtomicInteger();

        Server(ServerSocket listener) {
            this.listener = listener;
        }

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
            int n = closeCalls.incrementAndGet();
            if (closeLog != null) {
                closeLog.println("fake server close #" + n + " on thread " + Thread.currentThread().getName());
            }
            try {
                listener.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Entry point for the subprocess test: the one-line main every model has. */
    public static void main(String[] args) {
        FakeModel model = new FakeModel();
        model.closeLog = System.out;
        Launcher.run(model, args);
    }
}
