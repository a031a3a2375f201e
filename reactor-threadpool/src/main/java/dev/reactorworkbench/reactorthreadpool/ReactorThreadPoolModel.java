package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.servercore.loop.EventLoop;
import dev.reactorworkbench.servercore.nio.Listeners;
import dev.reactorworkbench.echoprotocol.server.ModelOption;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.singlethreadreactor.Acceptor;
import dev.reactorworkbench.singlethreadreactor.Reactor;
import dev.reactorworkbench.singlethreadreactor.ReactorServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;

/**
 * Single reactor, worker pool (单 Reactor 多线程; Lea's "Worker Thread Pools"): the single-thread
 * reactor's loop, unchanged, does the I/O (accept, read, decode, encode, write); a pool of workers
 * runs the handler. The only new step is {@link WorkerHandOff}: frames go to the pool, replies
 * come back to the reactor as tasks. A slow handler no longer stalls every connection, but every
 * byte still goes through one thread.
 */
public final class ReactorThreadPoolModel implements ServerModel {

    /** Default bound on frames waiting for a worker (--queue). */
    static final int DEFAULT_QUEUE_FRAMES = 64 * 1024;

    @Override
    public String name() {
        return "reactor-threadpool";
    }

    @Override
    public String description() {
        return "one Selector thread does the I/O; a worker pool runs the handler and hands each reply back to the reactor";
    }

    @Override
    public HandlerThreads handlerThreads() {
        return HandlerThreads.SEVERAL; // every worker of the pool runs handlers
    }

    @Override
    public List<ModelOption> options() {
        return List.of(
                new ModelOption("workers", "Worker threads running the handler", "--threads, or the number of cores"),
                new ModelOption("queue", "Frames that may wait for a worker before the reactor stops reading",
                        String.valueOf(DEFAULT_QUEUE_FRAMES)));
    }

    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        return launch(config).server();
    }

    /** A started server with its hand-off, so tests can look at the backpressure counters. */
    record Started(RunningServer server, WorkerHandOff handOff) {
    }

    // tag::start[]
    Started launch(ServerConfig config) throws IOException {
        int workers = config.intOption("workers", config.threadsOrCores(), 1, 1024);
        int queue = config.intOption("queue", DEFAULT_QUEUE_FRAMES, 1, 16 * 1024 * 1024);
        ServerStats stats = new ServerStats();
        // 1. The workers (started last, once nothing else can fail).
        WorkerPool pool = new WorkerPool(workers);
        // 2. The step this model is about: hand frames to the pool, take replies back on the reactor.
        WorkerHandOff handOff = new WorkerHandOff(config.handler(), pool, queue);
        // 3. The single-thread reactor, as it is, with that step plugged in.
        ServerSocketChannel listener = Listeners.bind(config);
        Reactor reactor = null;
        try {
            reactor = new Reactor("reactor", config, stats, handOff);
            reactor.listen(new Acceptor(listener, config.maxConnections(), stats, reactor::adopt));
        } catch (IOException | RuntimeException e) {
            EventLoop.closeQuietly(listener);
            if (reactor != null) {
                reactor.loop().close(); // never started: frees its selector at once
            }
            throw e;
        }
        InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
        // 4. Start the threads.
        pool.start();
        reactor.start();
        // 5. close(): the reactor drains first (waits for the work in flight to come back and be
        //    written), then the pool stops and every worker is joined.
        return new Started(new ReactorServer(address, stats, config.drainTimeout(), List.of(reactor),
                () -> pool.shutdownAndJoin(config.drainTimeout())), handOff);
    }
    // end::start[]
}
