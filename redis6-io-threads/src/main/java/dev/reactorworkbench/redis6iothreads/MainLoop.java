package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.nio.OutboundQueue;
import dev.reactorworkbench.echoprotocol.nio.TimerWheel;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.echoprotocol.server.Threads;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.nio.channels.SelectionKey.OP_ACCEPT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;

/**
 * The main thread of Redis 6 ({@code aeMain} with {@code beforeSleep}), and the running server.
 * Each turn it selects, accepts, then runs two phases over the ready clients: a read phase dealt
 * out to the I/O threads, after which it executes every parsed command itself, in order; and a
 * write phase dealt out the same way. It waits for each phase to finish before going on, so the
 * handler, and whatever state it keeps, only ever runs on this one thread and needs no lock.
 *
 * <p>{@code io-threads} counts the main thread, as in redis.conf: with {@code io-threads 4} the main
 * thread takes share 0 of each phase itself and three extra threads, {@code io-thread-1..3}, take
 * shares 1 to 3. {@code io-threads 1} is the single-threaded Redis.
 */
public final class MainLoop implements RunningServer {

    /** The main thread's name. */
    public static final String THREAD_NAME = "main-loop";
    /** Most connections accepted per turn, so a connection storm cannot starve established clients. */
    static final int ACCEPTS_PER_TURN = 64;
    /** How long close() waits for peers to take their replies before closing them anyway. */
    static final Duration CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(2);
    private static final System.Logger LOG = System.getLogger(MainLoop.class.getName());

    private final ServerStats stats = new ServerStats();      // thread-safe counters
    private final Codec codec;
    private final Handler handler;                            // called by the main thread only
    private final ServerConfig config;
    private final ServerSocketChannel listener;               // main thread only, once started
    private final Selector selector;                          // main thread only; wakeup() from any thread
    private final InetSocketAddress address;
    private final int ioThreadsTotal;                         // io-threads, counting the main thread
    private final boolean threadedReads;                      // io-threads-do-reads
    private final IoThread[] ioThreads;                       // shares 1..ioThreadsTotal-1
    private final IoShare mainShare = new IoShare(THREAD_NAME); // share 0: main thread only
    private final Thread mainThread;
    private final TimerWheel timers;                          // main thread only; null when idle timeout is off
    private final long idleNanos;
    // Main thread only.
    private final Set<Client> clients = new HashSet<>();
    private final ArrayList<Client> pendingReads = new ArrayList<>();  // Redis's clients_pending_read
    private final ArrayList<Client> pendingWrites = new ArrayList<>(); // Redis's clients_pending_write
    private long turnNanos;
    // Set by any thread calling close(); read by the main thread once per turn.
    private volatile boolean stopRequested;

    private MainLoop(ServerConfig config, ServerSocketChannel listener, Selector selector, int ioThreadsTotal,
                     boolean threadedReads) throws IOException {
        this.config = config;
        this.codec = config.codec();
        this.handler = config.handler();
        this.listener = listener;
        this.selector = selector;
        this.address = (InetSocketAddress) listener.getLocalAddress();
        this.ioThreadsTotal = ioThreadsTotal;
        this.threadedReads = threadedReads;
        this.ioThreads = new IoThread[ioThreadsTotal - 1];
        for (int i = 0; i < ioThreads.length; i++) {
            ioThreads[i] = new IoThread(i + 1);
        }
        this.idleNanos = config.idleTimeout().toNanos();
        long tick = Math.clamp(idleNanos / 8, Duration.ofMillis(10).toNanos(), Duration.ofSeconds(1).toNanos());
        this.timers = idleNanos > 0 ? new TimerWheel(tick, 256, System.nanoTime()) : null;
        this.mainThread = Thread.ofPlatform().name(THREAD_NAME).daemon(true).unstarted(this::loop);
    }

    /** Binds (a port in use throws here), starts the I/O threads and the main thread. */
    static MainLoop start(ServerConfig config, int ioThreadsTotal, boolean threadedReads) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        Selector selector = null;
        try {
            listener.bind(new InetSocketAddress(config.host(), config.port()), config.backlog());
            listener.configureBlocking(false);
            selector = Selector.open();
            listener.register(selector, OP_ACCEPT);
            MainLoop loop = new MainLoop(config, listener, selector, ioThreadsTotal, threadedReads);
            for (IoThread t : loop.ioThreads) {
                t.start();
            }
            loop.mainThread.start();
            return loop;
        } catch (IOException | RuntimeException e) {
            closeQuietly(listener);
            closeQuietly(selector);
            throw e;
        }
    }

    /** The main thread's body: turns until close() asks it to stop, then the graceful close. */
    private void loop() {
        try {
            while (!stopRequested) {
                turn();
            }
            flushForClose();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "main loop failed; closing every connection", t);
        } finally {
            releaseEverything();
        }
    }

    // tag::turn[]
    private void turn() throws IOException {
        // 1. Wait for readiness, no longer than the next idle-timer tick.
        if (timers != null && timers.size() > 0) {
            long nanos = timers.nanosToNextTick(System.nanoTime());
            selector.select(Math.max(1, (nanos + 999_999) / 1_000_000));
        } else {
            selector.select();
        }
        turnNanos = System.nanoTime();
        // 2. Accept now; gather the readable clients and the writable ones for this turn's phases.
        for (SelectionKey key : selector.selectedKeys()) {
            if (!key.isValid()) {
                continue;
            }
            if (key.isAcceptable()) {
                accept();
                continue;
            }
            Client c = (Client) key.attachment();
            if (key.isReadable()) {
                pendingReads.add(c);
            }
            if (key.isWritable()) {
                queueForWrite(c);
            }
        }
        selector.selectedKeys().clear();

        // tag::fan-out-reads[]
        // 3. Read phase: the I/O threads read and parse in parallel; the main thread waits for all.
        fanOut(pendingReads, IoShare.Op.READ, threadedReads);
        // 4. Execute: the main thread alone runs the handler for every parsed frame, client by
        //    client, in order, and queues the encoded replies.
        for (Client c : pendingReads) {
            execute(c);
        }
        pendingReads.clear();
        // end::fan-out-reads[]

        // tag::fan-out-writes[]
        // 5. Write phase: every client owing replies is dealt out again; the main thread waits again.
        pendingWrites.removeIf(c -> c.closed);
        fanOut(pendingWrites, IoShare.Op.WRITE, true);
        // 6. Back on the main thread alone: what could not be written waits for OP_WRITE, a drained
        //    client stops waiting, and a client owing too much is not read until it catches up.
        for (Client c : pendingWrites) {
            afterWrite(c);
        }
        pendingWrites.clear();
        // end::fan-out-writes[]

        // 7. Close the connections that have been idle too long.
        if (timers != null) {
            timers.expire(System.nanoTime());
        }
    }
    // end::turn[]

    // tag::fan-out[]
    /**
     * One phase over {@code batch}, Redis's {@code handleClientsWithPending{Reads,Writes}UsingThreads}.
     * Under low load, fewer than two clients per thread (Redis's {@code stopThreadedIOIfNeeded}), the
     * main thread does it all: waking threads would cost more than it saves, and they stay parked.
     * NOTE: Redis takes that decision once per turn, in the write path ({@code io_threads_active}),
     * and the read path follows it; here each phase applies the same rule to its own count.
     */
    private void fanOut(List<Client> batch, IoShare.Op op, boolean threadsAllowed) {
        if (!threadsAllowed || ioThreads.length == 0 || batch.size() < 2 * ioThreadsTotal) {
            for (Client c : batch) {
                mainShare.run(c, op);
            }
            return;
        }
        // 1. Deal round-robin: client i goes to share i % N; share 0 is the main thread's own.
        for (int i = 0; i < batch.size(); i++) {
            int share = i % ioThreadsTotal;
            (share == 0 ? mainShare : ioThreads[share - 1].share).clients.add(batch.get(i));
        }
        // 2. Publish each I/O thread's pending count; this volatile write hands its share over.
        for (IoThread t : ioThreads) {
            t.hand(op);
        }
        // 3. Do the main thread's share meanwhile.
        mainShare.runAll(op);
        // 4. Spin until every I/O thread has set its count back to zero; that volatile read makes
        //    everything it did to its clients visible here.
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
    }
    // end::fan-out[]

    /** Main thread, after the read phase: settle errors, then run the handler for each frame in order. */
    private void execute(Client c) {
        noteActivity(c);
        if (c.ioFailure != null) {
            close(c); // reset or vanished peer: nothing to reply to
            return;
        }
        if (c.protocolError) {
            stats.protocolError();
            close(c); // only this connection; its frames are dropped, no reply
            return;
        }
        try {
            for (byte[] frame : c.frames) {
                c.outbound.add(codec.encode(handler.handle(frame)));
                stats.messageOut();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "handler failed; closing that connection", e);
            close(c);
            return;
        }
        c.frames.clear();
        if (c.reachedEof) {
            c.inputClosed = true; // half-close: reply to what came, then close
        }
        if (!c.outbound.isEmpty() || c.inputClosed) {
            queueForWrite(c);
        }
    }

    /** Main thread, after the write phase: interest ops and water marks. */
    private void afterWrite(Client c) {
        c.queuedForWrite = false;
        if (c.closed) {
            return;
        }
        noteActivity(c);
        if (c.ioFailure != null) {
            close(c);
            return;
        }
        boolean drained = c.outbound.isEmpty();
        if (drained && c.inputClosed) {
            close(c);
            return;
        }
        // Above the high water mark stop reading (clear OP_READ); resume at or below the low mark.
        boolean read = !c.inputClosed && !c.outbound.isAboveHighWater();
        c.interest((read ? OP_READ : 0) | (drained ? 0 : OP_WRITE));
    }

    private void queueForWrite(Client c) {
        if (!c.queuedForWrite) {
            c.queuedForWrite = true;
            pendingWrites.add(c);
        }
    }

    private void accept() {
        for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "accept failed: " + e);
                return;
            }
            if (channel == null) {
                return; // backlog empty
            }
            if (clients.size() >= config.maxConnections()) {
                stats.connectionRejected(); // counted before the peer can see the close
                closeQuietly(channel);
                continue;
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectionKey key = channel.register(selector, OP_READ);
                Client c = new Client(channel, key, codec.newDecoder(config.maxFrameLength()),
                        new OutboundQueue(config.writeLowWaterMark(), config.writeHighWaterMark(), stats), stats, turnNanos);
                key.attach(c);
                clients.add(c);
                stats.connectionOpened();
                if (timers != null) {
                    c.idleTimeout = timers.schedule(turnNanos + idleNanos, () -> checkIdle(c));
                }
            } catch (IOException e) {
                closeQuietly(channel);
            }
        }
    }

    /** The idle pattern: the timer fires once per timeout, not per read; close only if really idle. */
    private void checkIdle(Client c) {
        if (c.closed) {
            return;
        }
        long quietFor = System.nanoTime() - c.lastActivityNanos;
        if (quietFor >= idleNanos) {
            stats.idleClose();
            close(c);
        } else {
            timers.reschedule(c.idleTimeout, c.lastActivityNanos + idleNanos);
        }
    }

    private void noteActivity(Client c) {
        if (c.bytesMoved > 0) {
            c.lastActivityNanos = turnNanos;
            c.bytesMoved = 0;
        }
    }

    /** Main thread, between phases only: the one place a connection is closed and counted. */
    private void close(Client c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        clients.remove(c);
        if (c.idleTimeout != null) {
            c.idleTimeout.cancel();
        }
        // Stats first, so whoever sees the socket close also sees it counted.
        c.outbound.discard();
        c.frames.clear();
        stats.connectionClosed();
        c.key.cancel();
        closeQuietly(c.channel);
    }

    // tag::graceful-close[]
    /** Main thread, after the last turn: stop accepting, then give the peers their replies, for a bounded time. */
    private void flushForClose() throws IOException {
        // 1. Stop accepting: closing the listener frees the port.
        closeQuietly(listener);
        // 2. Every frame read so far has been executed (each turn runs all it parsed), so only
        //    replies remain. Stop reading; wait for writability only where replies are owed.
        for (Client c : List.copyOf(clients)) {
            if (c.outbound.isEmpty()) {
                close(c);
            } else {
                c.interest(OP_WRITE);
            }
        }
        // 3. Flush on the main thread alone; the I/O threads are not needed for a last trickle.
        long deadline = System.nanoTime() + CLOSE_FLUSH_TIMEOUT.toNanos();
        while (!clients.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            selector.select(Math.max(1, left / 1_000_000));
            for (SelectionKey key : selector.selectedKeys()) {
                if (key.isValid() && key.attachment() instanceof Client c) {
                    mainShare.run(c, IoShare.Op.WRITE);
                    if (c.ioFailure != null || c.outbound.isEmpty()) {
                        close(c);
                    }
                }
            }
            selector.selectedKeys().clear();
        }
        // 4. A peer that never reads must not hold close() forever: the rest are closed anyway, and we say so.
        if (!clients.isEmpty()) {
            long unsent = clients.stream().mapToLong(c -> c.outbound.pendingBytes()).sum();
            LOG.log(System.Logger.Level.WARNING, "close(): " + clients.size() + " connection(s) did not take their replies within "
                    + CLOSE_FLUSH_TIMEOUT.toMillis() + " ms; closing them with " + unsent + " bytes unsent");
        }
    }
    // end::graceful-close[]

    /** Main thread, last thing: close every connection, the listener and the selector; stop and join the I/O threads. */
    private void releaseEverything() {
        for (Client c : List.copyOf(clients)) {
            close(c);
        }
        closeQuietly(listener);
        for (IoThread t : ioThreads) {
            t.stopAndJoin();
        }
        closeQuietly(selector);
    }

    /**
     * Graceful and idempotent: hands a stop request to the main loop and waits until it has
     * flushed, closed every connection, stopped every I/O thread and itself ended.
     */
    @Override
    public void close() {
        stopRequested = true;
        selector.wakeup(); // harmless once the selector is closed
        if (Thread.currentThread() == mainThread) {
            return; // called from the handler: the loop stops after this turn
        }
        Threads.joinUninterruptibly(mainThread);
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public ServerStats stats() {
        return stats;
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

    private static void closeQuietly(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway; nothing left to do with it
        }
    }
}
