package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.servercore.trace.Trace;
import dev.reactorworkbench.servercore.loop.Connection;
import dev.reactorworkbench.servercore.loop.EventLoop;
import dev.reactorworkbench.servercore.loop.FrameProcessor;
import dev.reactorworkbench.servercore.nio.Listeners;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.singlethreadreactor.Acceptor;
import dev.reactorworkbench.singlethreadreactor.Reactor;
import dev.reactorworkbench.singlethreadreactor.ReactorServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The main thread of Redis 6: the single-thread reactor's loop, unchanged ({@code ae}), plus what
 * Redis 6 added through two hooks. A readable connection is not read in the dispatch: its read is
 * postponed ({@code postponeClientRead}). Then, before the loop sleeps ({@code beforeSleep}), two
 * phases run over the connections of this turn: a read phase dealt out to the I/O threads, after
 * which the main thread executes every parsed command itself, in order; and a write phase dealt
 * out the same way. It waits for each phase to finish before going on, so the handler, and
 * whatever state it keeps, only ever runs on this one thread and needs no lock.
 *
 * <p>{@code io-threads} counts the main thread, as in redis.conf: with {@code io-threads 4} the main
 * thread takes share 0 of each phase itself and three extra threads, {@code io-thread-1..3}, take
 * shares 1 to 3. {@code io-threads 1} is the single-threaded Redis.
 */
public final class MainLoop implements RunningServer {

    /** The main thread's name. */
    public static final String THREAD_NAME = "main-loop";

    private final Handler handler;                            // called by the main thread only
    private final int ioThreadsTotal;                         // io-threads, counting the main thread
    private final boolean threadedReads;                      // io-threads-do-reads
    private final IoThread[] ioThreads;                       // shares 1..ioThreadsTotal-1
    private final IoShare mainShare = new IoShare(THREAD_NAME); // share 0: main thread only
    private EventLoop loop;                                   // set once in start(), before the loop runs
    private ReactorServer server;                             // set once in start(), before it returns
    // Main thread only.
    private final ArrayList<Connection> pendingReads = new ArrayList<>();  // Redis's clients_pending_read
    private final ArrayList<Connection> pendingWrites = new ArrayList<>(); // Redis's clients_pending_write

    private MainLoop(ServerConfig config, int ioThreadsTotal, boolean threadedReads) {
        this.handler = config.handler();
        this.ioThreadsTotal = ioThreadsTotal;
        this.threadedReads = threadedReads;
        this.ioThreads = new IoThread[ioThreadsTotal - 1];
        for (int i = 0; i < ioThreads.length; i++) {
            ioThreads[i] = new IoThread(i + 1);
        }
    }

    /** Binds (a port in use throws here), starts the I/O threads and the main thread. */
    static MainLoop start(ServerConfig config, int ioThreadsTotal, boolean threadedReads) throws IOException {
        MainLoop main = new MainLoop(config, ioThreadsTotal, threadedReads);
        ServerStats stats = new ServerStats();
        ServerSocketChannel listener = Listeners.bind(config);
        Reactor reactor = null;
        try {
            // 1. The single-thread reactor, as it is, on the main thread; each connection's
            //    processor postpones its reads and runs the handler here.
            reactor = new Reactor(THREAD_NAME, config, stats, main::processorFor);
            main.loop = reactor.loop();
            // 2. The one hook Redis 6 added to its loop: the two phases, before it sleeps.
            main.loop.beforeSleep(main::beforeSleep);
            reactor.listen(new Acceptor(listener, config.maxConnections(), stats, reactor::adopt));
        } catch (IOException | RuntimeException e) {
            EventLoop.closeQuietly(listener);
            if (reactor != null) {
                reactor.loop().close(); // never started: frees its selector at once
            }
            throw e;
        }
        // 3. Start the threads; close() stops the I/O threads once the main loop has drained.
        for (IoThread t : main.ioThreads) {
            t.start();
        }
        reactor.start();
        main.server = new ReactorServer((InetSocketAddress) listener.getLocalAddress(), stats, config.drainTimeout(),
                List.of(reactor), main::stopIoThreads);
        return main;
    }

    /** Each connection's processor: reads are postponed to the I/O threads, commands run here. */
    private FrameProcessor processorFor(Connection connection) {
        return new FrameProcessor() {
            @Override
            public void process(ByteBuffer frame) {
                connection.handle(handler, frame); // main thread, in order: no lock in the handler
            }

            @Override
            public boolean postponeRead() {
                return postponeClientRead(connection);
            }
        };
    }

    /**
     * Redis's {@code postponeClientRead}: the read waits for this turn's read phase. NOTE: Redis
     * reads right away when threaded reads are off; here every read is postponed to the phase, and
     * the phase then runs on the main thread alone, so every read is counted in one place
     * ({@link #ioActivity()}).
     */
    private boolean postponeClientRead(Connection connection) {
        pendingReads.add(connection);
        return true;
    }

    // tag::turn[]
    /** Main thread, once per turn before the loop sleeps (Redis's {@code beforeSleep}). */
    private void beforeSleep() {
        // tag::fan-out-reads[]
        // 1. Read phase: the I/O threads read and parse in parallel; the main thread waits for all.
        fanOut(pendingReads, IoShare.Op.READ, threadedReads);
        // 2. Execute: the main thread alone runs the handler for every parsed frame, connection by
        //    connection, in order, and queues the encoded replies.
        for (Connection c : pendingReads) {
            c.processPostponed();
        }
        pendingReads.clear();
        // end::fan-out-reads[]

        // tag::fan-out-writes[]
        // 3. Write phase: every connection owing replies is dealt out again; the main thread waits again.
        loop.takePendingWrites(pendingWrites);
        pendingWrites.removeIf(c -> !c.beginWrite());
        fanOut(pendingWrites, IoShare.Op.WRITE, true);
        // 4. Back on the main thread alone: what could not be written waits for OP_WRITE, a drained
        //    connection stops waiting, and one owing too much is not read until it catches up.
        for (Connection c : pendingWrites) {
            c.afterWrite();
        }
        pendingWrites.clear();
        // end::fan-out-writes[]
    }
    // end::turn[]

    // tag::fan-out[]
    /**
     * One phase over {@code batch}, Redis's {@code handleClientsWithPending{Reads,Writes}UsingThreads}.
     * Under low load, fewer than two connections per thread (Redis's {@code stopThreadedIOIfNeeded}),
     * the main thread does it all: waking threads would cost more than it saves, and they stay parked.
     * NOTE: Redis takes that decision once per turn, in the write path ({@code io_threads_active}),
     * and the read path follows it; here each phase applies the same rule to its own count.
     */
    private void fanOut(List<Connection> batch, IoShare.Op op, boolean threadsAllowed) {
        if (!threadsAllowed || ioThreads.length == 0 || batch.size() < 2 * ioThreadsTotal) {
            for (Connection c : batch) {
                mainShare.run(c, op);
            }
            return;
        }
        Trace.Step fanOut = Trace.beginFanOut();
        // 1. Deal round-robin: connection i goes to share i % N; share 0 is the main thread's own.
        for (int i = 0; i < batch.size(); i++) {
            int share = i % ioThreadsTotal;
            (share == 0 ? mainShare : ioThreads[share - 1].share).connections.add(batch.get(i));
        }
        // 2. Publish each I/O thread's pending count; this volatile write hands its share over.
        for (IoThread t : ioThreads) {
            t.hand(op);
        }
        // 3. Do the main thread's share meanwhile.
        mainShare.runAll(op);
        Trace.end(fanOut, 0, 0, 0, batch.size(), op.name().toLowerCase());
        // 4. Spin until every I/O thread has set its count back to zero; that volatile read makes
        //    everything it did to its connections visible here.
        Trace.Step spin = Trace.beginSpin();
        for (IoThread t : ioThreads) {
            int spins = 0;
            while (t.busy()) {
                // NOTE: Redis spins flat out, on cores of its own. With more threads than cores (as in CI)
                // an occasional yield lets the I/O thread we wait for get the CPU.
                if (++spins % 1024 == 0) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
            }
        }
        Trace.end(spin, 0, 0, 0, ioThreads.length, op.name().toLowerCase());
    }
    // end::fan-out[]

    // tag::graceful-close[]
    /**
     * Graceful and idempotent, the single-thread reactor's close: stop accepting, stop reading,
     * write the replies already owed (through the same write phase, within the drain timeout),
     * close every connection and end the main thread; only then, with no phase in flight, stop
     * and join the I/O threads.
     */
    @Override
    public void close() {
        server.close();
    }

    private void stopIoThreads() {
        for (IoThread t : ioThreads) {
            t.stopAndJoin();
        }
    }
    // end::graceful-close[]

    @Override
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public ServerStats stats() {
        return server.stats();
    }

    /** Connections read and written so far by each thread, the main thread first: shows who did the I/O. */
    public List<IoActivity> ioActivity() {
        List<IoActivity> all = new ArrayList<>();
        all.add(new IoActivity(mainShare.threadName, mainShare.reads(), mainShare.writes()));
        for (IoThread t : ioThreads) {
            all.add(new IoActivity(t.share.threadName, t.share.reads(), t.share.writes()));
        }
        return all;
    }

    /** I/O one thread has done: how many times it read a connection, and how many times it wrote one. */
    public record IoActivity(String thread, long reads, long writes) {
    }
}
