package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.servercore.trace.Trace;
import dev.reactorworkbench.servercore.loop.Connection;
import dev.reactorworkbench.servercore.loop.EventLoop;
import dev.reactorworkbench.servercore.loop.FrameProcessor;
import dev.reactorworkbench.echoprotocol.server.Handler;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The one step this model adds to the single-thread reactor (单 Reactor 多线程): the reactor still
 * accepts, reads, decodes and writes, but hands each complete frame to a {@link WorkerPool}. A
 * worker runs the handler and hands the reply <em>back</em> to the reactor as a task; the reactor
 * queues it on the connection and writes it on its next turn. Workers never write a socket, never
 * touch a selection key or a connection's state: a reply written by a worker would race the
 * reactor's own writes of the same connection, and the interest ops (OP_READ/OP_WRITE) would have
 * two owners.
 *
 * <h2>Order: one serial queue per connection</h2>
 * A client may pipeline many frames, and a pool runs work in parallel, so two frames of one
 * connection on two workers could finish in either order. Each connection gets a
 * {@link SerialQueue} (an actor's mailbox; Netty's ordered executor): its frames run one after
 * another, at most one worker at a time, while different connections run in parallel. The
 * replies go back to the reactor in the order the frames were run, through the reactor's FIFO
 * task queue, so they are written in request order. The alternative is to let any worker take
 * any frame, number the frames and have the reactor hold early replies in a reorder buffer until
 * the gap before them is filled: more parallelism for one pipelining connection, but a buffer
 * whose size depends on how unlucky the scheduling was, and more code on the reactor thread.
 * With many connections the pool is busy anyway, so this model keeps order by construction.
 *
 * <h2>Bounded, without blocking the reactor or dropping a frame</h2>
 * Two limits, both enforced by not reading, since a reactor may neither block nor drop:
 * <ol>
 * <li>Per connection: a frame handed to the pool is owed to the connection until its reply is
 *     back ({@link Connection#owe(int)}: it counts towards the write water marks), so a connection
 *     with too much work queued stops being read, like one whose peer does not read its replies.
 *     That is what bounds a connection's serial queue.</li>
 * <li>For the whole pool: at most {@code queue} frames wait for a worker (the {@code --queue}
 *     option). A frame that arrives when the limit is reached is still queued (it has been read;
 *     dropping it would lose a request) but its connection is suspended: the reactor stops
 *     reading it. When the workers have taken the waiting frames down to half the limit, the
 *     worker that notices hands the reactor a task that resumes every suspended connection.</li>
 * </ol>
 * A suspended connection needs nothing else to resume: its frames already sit in its own serial
 * queue, which is in the pool's run queue (or running), so the workers reach them without any
 * help; the global queue never has to hold a frame it has no room for. The limit is soft by at
 * most one read (64 KiB) per connection: the frames already read when it was reached.
 *
 * <p>NOTE: a connection that closes (a reset, say) with frames still in its serial queue does not
 * take them back: the workers still run them, and {@link Connection#send} drops the
 * replies. Cancelling would need a flag the workers read; the waste is bounded by the water mark.
 */
final class WorkerHandOff implements Function<Connection, FrameProcessor> {

    /** Frames a worker runs for one connection before it lets the other connections have a turn. */
    static final int BATCH = 16;
    /**
     * Added to a frame's length when counting it towards the water marks: the four bytes a
     * length prefix costs. It also makes an empty frame count, or a flood of them would pass the
     * water marks, and a draining connection would think an empty frame's reply was not owed.
     */
    static final int FRAME_OVERHEAD = 4;

    private final Handler handler;  // shared by every worker: must be thread-safe
    private final WorkerPool pool;
    private final int limit;        // frames waiting for a worker before reading is suspended
    private final int resumeMark;   // ... and at or below which it is resumed

    private final AtomicInteger waitingFrames = new AtomicInteger(); // the reactor adds, workers take away
    private final AtomicBoolean resumeOwed = new AtomicBoolean();    // set by the reactor when it suspends; whoever clears it resumes
    private final LongAdder suspensions = new LongAdder();           // the reactor counts, anyone reads

    // Reactor thread only (this model has one reactor).
    private final Set<Connection> suspended = new LinkedHashSet<>();

    WorkerHandOff(Handler handler, WorkerPool pool, int limit) {
        this.handler = handler;
        this.pool = pool;
        this.limit = limit;
        this.resumeMark = limit / 2;
    }

    /** Each new connection gets its own serial queue: the state this model keeps per connection. */
    @Override
    public FrameProcessor apply(Connection connection) {
        return new SerialQueue(connection);
    }

    // tag::hand-off[]
    /** Reactor thread, for each decoded frame of {@code queue}'s connection, in the order it sent them. */
    private void handOff(SerialQueue queue, byte[] frame) {
        Connection connection = queue.connection;
        // 1. The frame's reply is owed to the connection (it counts towards the water marks) until it is back.
        connection.owe(weight(frame));
        // 2. Into the connection's own serial queue, which goes into the pool's run queue if no worker has it.
        int waiting = waitingFrames.incrementAndGet();
        Trace.handOff(connection.traceId(), connection.requests(), 1, "worker-*");
        queue.add(frame);
        // 3. The pool's queue is full: read no more from this connection until the workers catch up.
        if (waiting >= limit) {
            suspend(connection);
        }
    }
    // end::hand-off[]

    static int weight(byte[] frame) {
        return frame.length + FRAME_OVERHEAD;
    }

    // tag::backpressure[]
    /** Reactor thread: stop reading {@code connection} until the waiting frames fall to the resume mark. */
    private void suspend(Connection connection) {
        if (suspended.add(connection)) {
            connection.suspendReading();
            suspensions.increment();
        }
        resumeOwed.set(true);
        // The workers may have emptied the queue before they could see the flag: look again.
        if (waitingFrames.get() <= resumeMark && resumeOwed.compareAndSet(true, false)) {
            resumeSuspended();
        }
    }

    /** A worker took a frame out of a serial queue. */
    private void frameTaken(EventLoop reactor) {
        if (waitingFrames.decrementAndGet() <= resumeMark && resumeOwed.compareAndSet(true, false)) {
            reactor.execute(this::resumeSuspended); // the connections belong to the reactor: it resumes them
        }
    }

    /** Reactor thread. */
    private void resumeSuspended() {
        for (Connection connection : suspended) {
            connection.resumeReading(); // a no-op for one that closed meanwhile
        }
        suspended.clear();
    }
    // end::backpressure[]

    /** How often a connection was suspended because the pool's queue was full. */
    long suspensions() {
        return suspensions.sum();
    }

    /** Frames handed to the pool that no worker has taken yet. */
    int waitingFrames() {
        return waitingFrames.get();
    }

    /**
     * One connection's frames on their way through the pool, run one at a time and in order: the
     * connection's frame processor, and all the state this model keeps per connection.
     */
    final class SerialQueue implements FrameProcessor, Runnable {

        // Final, set on the reactor thread; workers use them only to build the task they hand back.
        private final Connection connection;
        private final EventLoop reactor;

        // Guarded by this queue's lock: the reactor adds frames, the one worker running the queue takes them.
        private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
        private boolean scheduled; // in the pool's run queue or running on a worker
        // The worker running this queue (handed from worker to worker through the lock in next()).
        private long handled;      // frames run so far: the sequence number the trace gives each request

        SerialQueue(Connection connection) {
            this.connection = connection;
            this.reactor = connection.loop();
        }

        /**
         * Reactor thread: the connection decoded a frame. The frame is a view of the reactor's
         * read buffer, lent for this call only: the next read overwrites those bytes while a
         * worker may still be running the handler, so a frame that leaves the reactor thread is
         * copied here, into an array of its own. That copy (and the reply's array coming back) is
         * what this model pays that the single-thread reactor, which runs the handler on the
         * view in place, does not.
         */
        @Override
        public void process(ByteBuffer frame) {
            handOff(this, Handler.copyOf(frame));
        }

        /** Reactor thread: queue a frame; if no worker has this connection, get in the pool's line. */
        void add(byte[] frame) {
            boolean submit;
            synchronized (this) {
                frames.addLast(frame);
                submit = !scheduled;
                scheduled = true;
            }
            if (submit) {
                pool.submit(this);
            }
        }

        // tag::write-back[]
        /** A worker thread: run up to a batch of this connection's frames and hand each reply back. */
        @Override
        public void run() {
            for (int i = 0; i < BATCH; i++) {
                byte[] frame = next();
                if (frame == null) {
                    return; // empty and unscheduled: the next add() submits it again
                }
                frameTaken(reactor);
                int weight = weight(frame);
                byte[] reply;
                try {
                    reply = Trace.handle(handler, frame, connection.traceId(), ++handled); // 1. the business logic, off the reactor thread, into an array of its own
                } catch (RuntimeException e) {
                    // NOTE: a reply that cannot be computed cannot be skipped either (the client
                    // pairs replies with requests by order), so a failing handler closes its connection.
                    reactor.execute(() -> {
                        connection.settled(weight);
                        connection.close();
                    });
                    continue;
                }
                // 2. Hand the reply back: a task for the reactor's next turn (one selector.wakeup() per batch of tasks).
                Trace.handOff(connection.traceId(), handled, 1, reactor.name());
                reactor.execute(() -> {
                    connection.settled(weight);      // 3. on the reactor thread from here on
                    connection.send(reply);          // 4. queued; written at the end of that turn
                });
            }
            // A batch is done: go to the back of the line, so one busy connection cannot keep a worker.
            if (stillScheduled()) {
                pool.submit(this);
            }
        }
        // end::write-back[]

        private synchronized byte[] next() {
            byte[] frame = frames.pollFirst();
            if (frame == null) {
                scheduled = false;
            }
            return frame;
        }

        private synchronized boolean stillScheduled() {
            scheduled = !frames.isEmpty();
            return scheduled;
        }
    }
}
