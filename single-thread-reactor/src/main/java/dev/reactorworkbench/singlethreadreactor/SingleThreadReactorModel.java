package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.servercore.loop.Connection;
import dev.reactorworkbench.servercore.loop.EventLoop;
import dev.reactorworkbench.servercore.loop.FrameProcessor;
import dev.reactorworkbench.servercore.nio.Listeners;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.function.Function;

/**
 * Single reactor, single thread (单 Reactor 单线程; Redis before 6): one thread accepts, reads,
 * decodes, runs the handler, encodes and writes, for every connection. No locks anywhere, and no
 * parallelism either: a slow handler delays every connection.
 */
public final class SingleThreadReactorModel implements ServerModel {

    @Override
    public String name() {
        return "single-thread-reactor";
    }

    @Override
    public String description() {
        return "one Selector thread accepts, reads, decodes, handles, encodes and writes (Redis before 6)";
    }

    /**
     * The step this model is about: run the handler right on the reactor thread, on the frame as
     * it lies in the read buffer, its reply written straight into the connection's outbound buffer.
     */
    public static Function<Connection, FrameProcessor> runHere(Handler handler) {
        return connection -> frame -> connection.handle(handler, frame);
    }

    @Override
    public HandlerThreads handlerThreads() {
        return HandlerThreads.ONE; // the reactor thread runs every handler: the keyspace needs no lock
    }

    // tag::start[]
    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        ServerStats stats = new ServerStats();
        // 1. The step this model is about: each frame's handler runs right on the reactor thread.
        Function<Connection, FrameProcessor> processors = runHere(config.handler());
        // 2. One reactor owns the listening socket and every connection it accepts.
        ServerSocketChannel listener = Listeners.bind(config);
        Reactor reactor = null;
        try {
            reactor = new Reactor("reactor", config, stats, processors);
            reactor.listen(new Acceptor(listener, config.maxConnections(), stats, reactor::adopt));
        } catch (IOException | RuntimeException e) {
            EventLoop.closeQuietly(listener);
            if (reactor != null) {
                reactor.loop().close(); // never started: frees its selector at once
            }
            throw e;
        }
        InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
        // 3. Start the loop.
        reactor.start();
        return new ReactorServer(address, stats, config.drainTimeout(), List.of(reactor), () -> { });
    }
    // end::start[]
}
