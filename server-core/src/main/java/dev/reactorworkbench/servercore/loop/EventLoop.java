package dev.reactorworkbench.servercore.loop;

import dev.reactorworkbench.servercore.nio.BufferPool;
import dev.reactorworkbench.servercore.nio.TimerWheel;
import dev.reactorworkbench.servercore.lifecycle.ServerLog;
import dev.reactorworkbench.servercore.lifecycle.Threads;
import dev.reactorworkbench.servercore.trace.Trace;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The event loop every loop-based model runs on: one thread, one {@link Selector}, a task queue
 * other threads hand work in through, a timer wheel, and two hooks where Redis grew threaded I/O
 * without touching its loop ({@code beforeSleep}, and postponed reads, see
 * {@link FrameProcessor#postponeRead()}). Each turn it
 * (1) waits for readiness, dispatching each ready key to its {@link IoHandle},
 * (2) runs the tasks other threads handed in,
 * (3) runs the {@code beforeSleep} hooks, then writes the replies the turn produced, and
 * (4) fires the timers that are due.
 *
 * <p>Other threads never touch the selector's keys or a handle: they call {@link #execute} and the
 * loop runs the task on its own thread.
 */
public final class EventLoop implements AutoCloseable {

    private static final System.Logger LOG = ServerLog.logger(EventLoop.class);

    /** Size of the one read buffer every connection of this loop reads into. */
    public static final int READ_BUFFER_SIZE = 64 * 1024;
    private static final long TICK_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int CLOSED = 2;

    private final String name;
    private final Selector selector;
    private final Thread thread;

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>(); // any thread adds, the loop drains
    private final AtomicBoolean wakeupPending = new AtomicBoolean();     // any thread; one wakeup per batch of tasks
    private final AtomicInteger state = new AtomicInteger(NEW);         // NEW -> STARTED, or NEW -> CLOSED (never started)
    private volatile boolean stopping;                                   // set by the loop, read by anyone

    // Loop thread only.
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private final ByteBuffer readView = readBuffer.asReadOnlyBuffer(); // the same bytes, for the decoders' read-only views
    private final BufferPool buffers = new BufferPool();               // loop thread; Redis 6's I/O threads give back
    private final TimerWheel timers;
    private final List<Runnable> beforeSleep = new ArrayList<>(1); // fixed before start()
    private final ArrayList<Connection> pendingWrites = new ArrayList<>(); // Redis's clients_pending_write
    private final Consumer<SelectionKey> dispatcher = this::dispatch;   // one object, not one per turn
    private int registered;   // handles registered and not yet deregistered
    private long now = System.nanoTime();
    private long drainDeadline;
    private Trace.Step waiting; // the wait of this turn, ended by its first dispatch (null: events off)

    /**
     * @param name     the thread's name, e.g. {@code reactor} or {@code sub-reactor-2}
     * @param tickHint the timer resolution wanted (e.g. an eighth of the idle timeout); clamped to
     *                 1..100 ms, and 100 ms when zero
     */
    public EventLoop(String name, Duration tickHint) throws IOException {
        this.name = name;
        this.selector = Selector.open();
        long hint = tickHint.toNanos();
        long tick = hint == 0 ? TICK_MAX_NANOS : Math.clamp(hint, 1_000_000, TICK_MAX_NANOS);
        this.timers = new TimerWheel(tick, 512, now);
        this.thread = Threads.newThread(name, this::run);
    }

    public String name() {
        return name;
    }

    /** True on the loop's own thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Adds a hook run once per turn after the tasks and before the replies are written (Redis's
     * {@code beforeSleep}). Call before {@link #start()}.
     */
    public void beforeSleep(Runnable hook) {
        if (state.get() != NEW) {
            throw new IllegalStateException("beforeSleep() before start()");
        }
        beforeSleep.add(hook);
    }

    // tag::register[]
    /**
     * Registers {@code channel} with this loop's selector, {@code handle} as the key's attachment.
     * Loop thread, or before {@link #start()} (registering from another thread while the loop sits
     * in {@code select()} is the classic trap: hand it over with {@link #execute} instead).
     */
    public SelectionKey register(SelectableChannel channel, int ops, IoHandle handle) throws IOException {
        if (state.get() == STARTED && !inLoop()) {
            throw new IllegalStateException("register() on the loop's thread, or before start()");
        }
        channel.configureBlocking(false);
        SelectionKey key = channel.register(selector, ops, handle);
        registered++;
        return key;
    }
    // end::register[]

    // tag::deregister[]
    /** A handle is done with its key (closed, or drained): the loop forgets it. Loop thread. */
    public void deregister(SelectionKey key) {
        if (key.isValid() || key.attachment() != null) {
            key.cancel();
            key.attach(null);
            registered--;
        }
    }
    // end::deregister[]

    public void start() {
        if (state.compareAndSet(NEW, STARTED)) {
            thread.start();
        }
    }

    // tag::execute[]
    /**
     * Runs {@code task} on the loop thread during its next turn. Safe from any thread. Only the
     * first task of a batch pays for {@link Selector#wakeup()}; the rest ride on the same wakeup.
     */
    public void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            Trace.wakeup(name);
            selector.wakeup();
        }
    }
    // end::execute[]

    // tag::loop[]
    private void run() {
        try {
            while (!stopping || !drained()) {
                // 1. Wait for readiness, but not past the next timer tick, and not at all if tasks wait.
                //    Each ready key goes to its handle: accept, read+decode+process, or write.
                waiting = Trace.beginWait();
                if (tasks.isEmpty()) {
                    selector.select(dispatcher, selectTimeoutMillis());
                } else {
                    selector.selectNow(dispatcher);
                }
                endWait();
                now = System.nanoTime();
                // 2. Run the tasks other threads handed in (replies, new connections, close).
                wakeupPending.set(false);
                runTasks();
                // 3. Before sleeping again: the model's hooks (Redis 6 fans reads and writes out to
                //    its I/O threads here), then the replies this turn produced, one gathering
                //    write per connection.
                for (Runnable hook : beforeSleep) {
                    hook.run();
                }
                writePending();
                // 4. Fire the timers that are due (idle connections, paused accepts).
                timers.expire(now);
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, name + " failed; closing every connection it owns", e);
        } finally {
            closeEverything();
        }
    }

    private void dispatch(SelectionKey key) {
        endWait();
        now = System.nanoTime();
        if (!key.isValid() || !(key.attachment() instanceof IoHandle)) {
            return; // cancelled earlier in this turn
        }
        IoHandle handle = (IoHandle) key.attachment();
        try {
            handle.onReady(key.readyOps());
        } catch (RuntimeException e) {
            // A bug in one handle costs that handle, not the loop and every other connection.
            LOG.log(System.Logger.Level.WARNING, name + ": closing a handle that failed", e);
            handle.close();
        }
    }
    // end::loop[]

    /** The wait ends when the first key is dispatched, or when select() returns with none. */
    private void endWait() {
        Trace.end(waiting, 0, 0, 0, 0, "select");
        waiting = null;
    }

    private long selectTimeoutMillis() {
        long nanos = stopping ? Math.min(drainDeadline - now, TICK_MAX_NANOS)
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

    // tag::write-pending[]
    private void writePending() {
        for (int i = 0; i < pendingWrites.size(); i++) {
            pendingWrites.get(i).flush();
        }
        pendingWrites.clear();
    }

    /** Queues {@code connection} to be written before the loop sleeps. Loop thread. */
    void writeLater(Connection connection) {
        pendingWrites.add(connection);
    }
    // end::write-pending[]

    /**
     * The connections owing replies this turn, for a {@code beforeSleep} hook that writes them
     * itself (Redis 6's {@code handleClientsWithPendingWritesUsingThreads}): it takes them all and
     * must call {@link Connection#beginWrite()}, then {@link Connection#write()} (on any thread)
     * and {@link Connection#afterWrite()} for each. Loop thread.
     */
    public void takePendingWrites(List<Connection> into) {
        into.addAll(pendingWrites);
        pendingWrites.clear();
    }

    /** The buffer every connection of this loop reads into, one at a time. Loop thread. */
    public ByteBuffer readBuffer() {
        return readBuffer;
    }

    /**
     * A read-only twin of {@link #readBuffer()} (same bytes, its own position and limit): decoders
     * slice their frames from it, so each frame handed to a handler is read-only at the cost of
     * one small object. Loop thread.
     */
    public ByteBuffer readView() {
        return readView;
    }

    /** The pooled buffers this loop's connections write their replies into. */
    public BufferPool bufferPool() {
        return buffers;
    }

    public TimerWheel timers() {
        return timers;
    }

    /** The loop's clock, read once per event: cheaper than a system call per read. Loop thread. */
    public long now() {
        return now;
    }

    /** True once a graceful shutdown has begun; new connections are then refused. */
    public boolean isStopping() {
        return stopping;
    }

    // tag::shutdown[]
    /**
     * Graceful close, from any thread: every handle is told to drain (stop accepting, stop reading,
     * write every reply already owed, then close), and the thread ends once none is left. Handles
     * still owing after {@code drain} (a peer that never reads) are closed anyway. Before
     * {@link #start()} it closes the selector at once, so a model that fails half-way through
     * starting leaks nothing.
     */
    public void shutdownGracefully(Duration drain) {
        if (state.compareAndSet(NEW, CLOSED)) {
            closeEverything(); // no thread yet: this caller is the only one touching the loop
            return;
        }
        long drainNanos = drain.toNanos();
        execute(() -> {
            if (stopping) {
                return;
            }
            stopping = true;
            drainDeadline = now + drainNanos;
            for (SelectionKey key : List.copyOf(selector.keys())) {
                if (key.attachment() instanceof IoHandle handle) {
                    handle.drain();
                }
            }
        });
    }
    // end::shutdown[]

    private boolean drained() {
        // NOTE: a peer that never reads its replies would hold shutdown forever; past the
        // deadline its connection is closed with the replies still queued.
        return registered == 0 || now - drainDeadline >= 0;
    }

    /** Waits for the loop's thread to end, at most {@code timeout}; names it if it did not. */
    public void join(Duration timeout) {
        if (state.get() == STARTED) {
            Threads.join(List.of(thread), timeout);
        }
    }

    /** Shuts down without a drain and waits for the thread: for a start that failed half-way. */
    @Override
    public void close() {
        shutdownGracefully(Duration.ZERO);
        join(Threads.JOIN_GRACE);
    }

    private void closeEverything() {
        stopping = true;
        for (SelectionKey key : List.copyOf(selector.keys())) {
            if (key.attachment() instanceof IoHandle handle) {
                handle.close();
            } else {
                closeQuietly(key.channel());
            }
        }
        // Tasks that arrived too late: a hand-over closes its channel, a reply finds its connection closed.
        for (Runnable task; (task = tasks.poll()) != null; ) {
            task.run();
        }
        pendingWrites.clear();
        closeQuietly(selector);
    }

    /** Closes, ignoring the error: there is nothing useful to do with it while closing. */
    public static void closeQuietly(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
