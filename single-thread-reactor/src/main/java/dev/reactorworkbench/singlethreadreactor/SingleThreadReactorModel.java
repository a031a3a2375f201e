package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.echoprotocol.nio.Listeners;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Single reactor, single thread (单 Reactor 单线程; Redis before 6): one thread accepts, reads,
 * decodes, runs the handler, encodes and writes, for every connection. No locks anywhere, and no
 * parallelism either: a slow handler delays every connection.
 */
public final class SingleThreadReactorModel implements ServerModel {

    /** How long close() lets connections flush the replies they are owed. */
    static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);

    @Override
    public String name() {
        return "single-thread-reactor";
    }

    @Override
    public String description() {
        return "one Selector thread accepts, reads, decodes, handles, encodes and writes (Redis before 6)";
    }

    @Override
    public HandlerThreads handlerThreads() {
        return HandlerThreads.ONE; // the reactor thread runs every handler: the keyspace needs no lock
    }

    // tag::start[]
    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        ServerStats stats = new ServerStats();
        Handler handler = config.handler();
        // 1. The step this model is about: run the handler right on the reactor thread.
        FrameProcessor runHere = (connection, frame) -> connection.send(handler.handle(frame));
        // 2. One reactor owns the listening socket and every connection it accepts.
        ServerSocketChannel listener = Listeners.bind(config);
        Reactor reactor;
        try {
            reactor = new Reactor("reactor", config, stats, runHere);
            reactor.listen(new Acceptor(listener, config.maxConnections(), stats, reactor::adopt));
        } catch (IOException | RuntimeException e) {
            Acceptor.closeQuietly(listener);
            throw e;
        }
        InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
        // 3. Start the loop.
        reactor.start();
        return new ReactorServer(address, stats, java.util.List.of(reactor), () -> { });
    }
    // end::start[]
}
