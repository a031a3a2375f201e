package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.echoprotocol.nio.TimerWheel;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.echoprotocol.server.Threads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The dispatch loop: one thread, one {@link Selector}, every connection it owns. Each turn it
 * (1) waits for readiness, (2) dispatches the ready keys to the {@link Acceptor} or a
 * {@link ConnectionHandler}, (3) runs the tasks other threads handed in, (4) writes the replies
 * the turn produced, and (5) expires idle connections.
 *
 * <p>Other threads never touch the selector's keys or a connection: they call
 * {@link #execute(Runnable)} and the reactor runs the task on its own thread. The single-thread
 * model uses that only for {@code close()}; the worker-pool and multi-reactor models build on it.
 */
public final class Reactor {

    /** Size of the one read buffer every connection of this reactor reads into. */
    static final int READ_BUFFER_SIZE = 64 * 1024;
    private static final long IDLE_TICK_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String name;
    private final ServerConfig config;
    private final ServerStats stats;
    private final FrameProcessor processor;
    private final Selector selector;
    private final Thread thread;

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>(); // any thread adds, the reactor drains
    private final AtomicBoolean wakeupPending = new AtomicBoolean();     // any thread; one wakeup per batch of tasks
    private final AtomicInteger connectionCount = new AtomicInteger();   // up on hand-off (any thread), down on close (reactor)
    private volatile boolean stopping;                                   // set by the reactor, read by anyone

    // Reactor thread only.
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private final ArrayDeque<ConnectionHandler> toFlush = new ArrayDeque<>();
    private final TimerWheel timers;
    private final long idleTimeoutNanos;
    private final List<Acceptor> acceptors = new ArrayList<>(1);
    private final Consumer<SelectionKey> dispatcher = this::dispatch; // one object, not one per turn
    private long now = System.nanoTime();
    private long drainDeadline;

    /**
     * @param name      the reactor thread's name, e.g. {@code reactor} or {@code sub-reactor-2}
     * @param processor what to do with each decoded frame
     */
    public Reactor(String name, ServerConfig config, ServerStats stats, FrameProcessor processor) throws IOException {
        this.name = name;
        this.config = config;
        this.stats = stats;
        this.processor = processor;
        this.selector = Selector.open();
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        long tick = idleTimeoutNanos == 0 ? IDLE_TICK_MAX_NANOS : Math.clamp(idleTimeoutNanos / 8, 1_000_000, IDLE_TICK_MAX_NANOS);
        this.timers = new TimerWheel(tick, 512, now);
        this.thread = Thread.ofPlatform().name(name).unstarted(this::run);
    }

    /** Adds a listening socket to this reactor. Call before {@link #start()}. */
    public void listen(Acceptor acceptor) throws IOException {
        if (thread.isAlive()) {
            throw new IllegalStateException("listen() before start(): the selector must not be in select()");
        }
        acceptor.listener().configureBlocking(false);
        acceptor.listener().register(selector, SelectionKey.OP_ACCEPT, acceptor);
        acceptors.add(acceptor);
    }

    public void start() {
        thread.start();
    }

    public String name() {
        return name;
    }

    /** Connections handed to this reactor and not yet closed; read by a balancer on another thread. */
    public int connectionCount() {
        return connectionCount.get();
    }

    // tag::execute[]
    /**
     * Runs {@code task} on the reactor thread during its next turn. Safe from any thread. Only the
     * first task of a batch pays for {@link Selector#wakeup()}; the rest ride on the same wakeup.
     */
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }
    // end::execute[]

    // tag::adopt[]
    /**
     * Takes ownership of an accepted connection. Safe from any thread.
     *
     * <p>Pitfall: {@code channel.register(selector, ...)} from another thread, while this reactor
     * sits in {@code select()}, blocked the caller up to Java 10; since Java 11 it returns at once,
     * but the sleeping {@code select()} does not see the new key until something wakes it (on a
     * quiet server, never). So registration is handed to the reactor's own thread, with a wakeup,
     * and the connection's state is created and used by that one thread only.
     */
    public void adopt(SocketChannel channel) {
        connectionCount.incrementAndGet();
        if (Thread.currentThread() == thread) {
            register(channel);
        } else {
            execute(() -> register(channel));
        }
    }
    // end::adopt[]

    private void register(SocketChannel channel) {
        if (stopping) {
            Acceptor.closeQuietly(channel); // arrived after shutdown began
            stats.connectionClosed();
            connectionClosed();
            return;
        }
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            ConnectionHandler connection = new ConnectionHandler(this, channel, key, config, stats, processor);
            key.attach(connection);
            if (idleTimeoutNanos > 0) {
                connection.idleTimer(timers.schedule(now + idleTimeoutNanos, () -> connection.onIdleTimer(idleTimeoutNanos)));
            }
        } catch (IOException e) {
            Acceptor.closeQuietly(channel);
            stats.connectionClosed();
            connectionClosed();
        }
    }

    // tag::loop[]
    private void run() {
        try {
            while (!stopping || !drained()) {
                // 1. Wait for readiness, but not past the next timer tick, and not at all if tasks wait.
                if (tasks.isEmpty()) {
                    selector.select(dispatcher, selectTimeoutMillis());
                } else {
                    selector.selectNow(dispatcher);
                }
                // (dispatch ran for each ready key: accept, read+decode+process, or write)
                now = System.nanoTime();
                // 2. Run the tasks other threads handed in (replies, new connections, close).
                wakeupPending.set(false);
                runTasks();
                // 3. Write the replies this turn produced, a gathering write per connection.
                flushAll();
                // 4. Expire idle connections.
                timers.expire(now);
            }
        } catch (IOException | ClosedSelectorException e) {
            throw new UncheckedIOException(name + " failed", e instanceof IOException io ? io : new IOException(e));
        } finally {
            closeEverything();
        }
    }

    private void dispatch(SelectionKey key) {
        now = System.nanoTime();
        Object attachment = key.attachment();
        if (attachment instanceof Acceptor acceptor) {
            acceptor.onAcceptable();
        } else if (attachment instanceof ConnectionHandler connection) {
            if (key.isValid() && key.isWritable()) {
                connection.flush();
            }
            if (key.isValid() && key.isReadable()) {
                connection.onReadable();
            }
        }
    }
    // end::loop[]

    private long selectTimeoutMillis() {
        long nanos = stopping ? Math.min(drainDeadline - now, IDLE_TICK_MAX_NANOS)
                : timers.size() > 0 ? timers.nanosToNextTick(now) : 0;
        if (nanos == 0 && !stopping) {
            return 0; // nothing timed: block until an event or a wakeup
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void runTasks() {
        // Bounded: tasks added while running wait for the next turn, so I/O is not starved.
        for (int i = tasks.size(); i > 0; i--) {
            Runnable task = tasks.poll();
            if (task == null) {
                break;
            }
            task.run();
        }
    }

    private void flushAll() {
        for (ConnectionHandler c; (c = toFlush.poll()) != null; ) {
            c.flush();
        }
    }

    void flushLater(ConnectionHandler connection) {
        toFlush.add(connection);
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    TimerWheel timers() {
        return timers;
    }

    /** The loop's clock, read once per event: cheaper than a system call per read. */
    long now() {
        return now;
    }

    void connectionClosed() {
        connectionCount.decrementAndGet();
    }

    // tag::shutdown[]
    /**
     * Graceful close, from any thread: stop accepting, stop reading, write every reply already
     * owed, close each connection when it is flushed, then end the thread. Connections still
     * owing after {@code drainNanos} (a peer that never reads) are closed anyway.
     */
    public void shutdownGracefully(long drainNanos) {
        execute(() -> {
            if (stopping) {
                return;
            }
            stopping = true;
            drainDeadline = now + drainNanos;
            for (Acceptor acceptor : acceptors) {
                acceptor.listener().keyFor(selector).cancel();
                Acceptor.closeQuietly(acceptor.listener()); // the port is free from here on
            }
            for (SelectionKey key : List.copyOf(selector.keys())) {
                if (key.attachment() instanceof ConnectionHandler connection) {
                    connection.drain();
                }
            }
        });
    }
    // end::shutdown[]

    private boolean drained() {
        if (connectionCount.get() == 0) {
            return true;
        }
        // NOTE: a peer that never reads its replies would hold shutdown forever; past the
        // deadline its connection is closed with the replies still queued.
        return now - drainDeadline >= 0;
    }

    /** Waits for the reactor thread to end, through any interrupt (restored afterwards). */
    public void join() {
        Threads.joinUninterruptibly(thread);
    }

    private void closeEverything() {
        stopping = true;
        for (SelectionKey key : List.copyOf(selector.keys())) {
            if (key.attachment() instanceof ConnectionHandler connection) {
                connection.close();
            } else {
                Acceptor.closeQuietly(key.channel());
            }
        }
        // Tasks that arrived too late: adopt() closes the channel, replies find the connection closed.
        for (Runnable task; (task = tasks.poll()) != null; ) {
            task.run();
        }
        Acceptor.closeQuietly(selector);
    }
}
