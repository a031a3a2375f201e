package dev.reactorworkbench.comparisonbench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * One client thread ({@code load-client-N}): a Selector loop over its share of the connections.
 * It keeps each connection's pipeline full (closed loop) or sends each request when the schedule
 * says (open loop), checks every reply, and records every latency.
 *
 * <p>Unless said otherwise a field belongs to this thread. The coordinator reads the counters
 * marked volatile and the progress recorder while the run goes on, and everything else only after
 * {@link Thread#join()}, which publishes it.
 */
final class LoadClientThread implements Runnable, LoadConnection.ReplySink {

    /** Longest a select blocks, so the thread notices the end of a phase or a stop in time. */
    private static final long MAX_WAIT_NANOS = 100_000_000L;
    private static final long MILLI = 1_000_000L;

    private final LoadSpec spec;
    private final List<LoadConnection> connections;
    private final RunControl control;
    private final Selector selector;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final boolean openLoop;
    // Open loop: the connections that have room for a request, the one due first at the head.
    private final PriorityQueue<LoadConnection> due =
            new PriorityQueue<>(Comparator.comparingLong((LoadConnection c) -> c.nextDue));
    private final List<LoadConnection> toFlush = new ArrayList<>();
    private Schedule schedule;
    private int active;            // connections not yet done
    private int exhausted;         // connections that sent all of spec.maxRequests()
    private long drainDeadline;    // the schedule's, or earlier once every connection is exhausted
    private boolean endPassed;

    // Read by the coordinator while running: written by this thread only, so plain ++ is safe.
    volatile long requestsSent;
    volatile long repliesReceived;
    /** Every latency of the run, warm-up included; the coordinator takes an interval each second. */
    final SingleWriterRecorder progressLatency = new SingleWriterRecorder(3);

    // Results, read by the coordinator after join().
    final Histogram latency = new Histogram(3);   // measured requests only, nanoseconds
    long windowReplies;       // replies read during the measured time
    long measuredRequests;    // requests sent (closed) or due (open) during the measured time
    long lastReplyAt;         // nanoTime of the last reply read

    LoadClientThread(LoadSpec spec, List<LoadConnection> connections, RunControl control) throws IOException {
        this.spec = spec;
        this.connections = connections;
        this.control = control;
        this.openLoop = spec.openLoop();
        this.selector = Selector.open();
        control.addSelector(selector);
    }

    @Override
    public void run() {
        try {
            // Register on this thread: registering with a Selector that another thread is blocked
            // in select() would block, so each thread registers its own connections.
            for (LoadConnection c : connections) {
                c.registered(c.channel().register(selector, SelectionKey.OP_READ, c));
            }
            control.threadReady();
            schedule = control.awaitStart();
            if (schedule != null) {
                loop();
            }
        } catch (IOException e) {
            control.fail("client thread " + Thread.currentThread().getName() + ": " + e);
        } catch (InterruptedException e) {
            control.fail("client thread " + Thread.currentThread().getName() + " was interrupted");
        } catch (RuntimeException | Error e) {
            control.fail("client thread " + Thread.currentThread().getName() + " crashed: " + e);
            throw e;
        } finally {
            for (LoadConnection c : connections) {
                c.close();
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing registered is left open
            }
            control.threadFinished();
        }
    }

    // tag::loop[]
    private void loop() throws IOException {
        active = connections.size();
        drainDeadline = schedule.drainDeadline();
        long now = System.nanoTime();
        for (LoadConnection c : connections) {
            if (openLoop) {
                c.nextDue = schedule.dueAt(c.id);
                enqueueIfDue(c);
            } else {
                topUp(c, now);
            }
            flushOrFail(c);
            checkDone(c, now);
        }
        while (true) {
            now = System.nanoTime();
            // 1. Stop at once when another thread failed or the caller gave up; take an early
            //    end of the measured time (LoadRun.finish) into account.
            if (control.stopped()) {
                return;
            }
            Schedule latest = control.schedule();
            if (latest != schedule) {
                schedule = latest;
                drainDeadline = Math.min(drainDeadline, latest.drainDeadline());
            }
            // 2. At the end of the measured time: a connection that owes nothing is done.
            if (!endPassed && now >= schedule.end()) {
                endPassed = true;
                for (LoadConnection c : connections) {
                    checkDone(c, now);
                }
            }
            // 3. Open loop: send every request that is due, late ones included.
            if (openLoop) {
                sendDue(now);
            }
            // 4. Finished, or out of time to wait for replies.
            if (active == 0) {
                checkNothingMore(now);
                return;
            }
            if (now >= drainDeadline) {
                reportUnfinished();
                return;
            }
            // 5. Wait for replies, writable sockets, or the next due time.
            waitForEvents(now);
            now = System.nanoTime();
            // 6. Read and check replies; refill pipelines; write what is waiting.
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                LoadConnection c = (LoadConnection) key.attachment();
                if (!handle(key, c, now)) {
                    return;
                }
            }
        }
    }
    // end::loop[]

    private boolean handle(SelectionKey key, LoadConnection c, long now) {
        try {
            if (key.isReadable()) {
                long before = c.outstanding();
                if (!c.read(readBuffer, now, this)) {
                    if (c.done) {
                        key.cancel(); // it owed nothing and will send nothing more: a close loses nothing
                        return true;
                    }
                    control.fail("connection " + c.id + ": the server closed the connection"
                            + (c.outstanding() > 0 ? " with " + c.outstanding() + " requests outstanding (their replies are lost)"
                            : " unexpectedly") + " after " + c.completed() + " replies");
                    return false;
                }
                if (c.outstanding() < before) {
                    if (openLoop) {
                        enqueueIfDue(c);
                    } else {
                        topUp(c, now);
                    }
                }
            }
            c.flush();
        } catch (LoadConnection.ReplyException e) {
            control.fail(e.getMessage());
            return false;
        } catch (IOException e) {
            control.fail("connection " + c.id + ": " + e.getMessage() + " with " + c.outstanding()
                    + " requests outstanding after " + c.completed() + " replies");
            return false;
        }
        checkDone(c, now);
        return true;
    }

    /** Closed loop: keep {@code depth} requests in flight until the measured time ends. */
    private void topUp(LoadConnection c, long now) {
        while (c.hasRoom() && now < schedule.end() && underLimit(c)) {
            c.issue(now);
            sent(c, now, now);
        }
    }

    // tag::open-loop[]
    /*
     * Coordinated omission (Gil Tene's term; wrk2 is the load tool built to avoid it): a load
     * generator that waits for a reply before sending the next request slows down exactly when
     * the server stalls. During a 200 ms stall it sends nothing, so it records one slow request
     * instead of the hundreds that real users, arriving on their own clock, would have queued up
     * behind the stall; the percentiles then describe a server far better than the one users see.
     * So in the open loop each request has a due time fixed in advance by the rate, and its
     * latency is measured from that due time, not from when it was written. When the client is
     * late (the pipeline is full behind a stalled server, or this thread was descheduled), it
     * sends late, but the wait still counts: a request due at t=0 whose reply arrives at t=200 ms
     * took 200 ms, however late it left. The price is that the client's own lateness counts
     * against the server too; that errs on the pessimistic side, never the flattering one.
     */
    private void sendDue(long now) {
        while (!due.isEmpty() && due.peek().nextDue <= now) {
            LoadConnection c = due.poll();
            c.queued = false;
            if (c.nextDue >= schedule.end()) {
                continue; // queued before the run was ended early: no longer due
            }
            c.issue(c.nextDue);
            sent(c, c.nextDue, now);
            c.nextDue = schedule.dueAt(c.id + c.issued() * spec.connections());
            enqueueIfDue(c);
            if (toFlush.isEmpty() || toFlush.getLast() != c) {
                toFlush.add(c);
            }
        }
        for (LoadConnection c : toFlush) {
            flushOrFail(c);
        }
        toFlush.clear();
    }
    // end::open-loop[]

    /** Open loop: queue the connection for its next due request if it has room and one is left. */
    private void enqueueIfDue(LoadConnection c) {
        if (!c.queued && c.hasRoom() && c.nextDue < schedule.end() && underLimit(c)) {
            c.queued = true;
            due.add(c);
        }
    }

    private boolean underLimit(LoadConnection c) {
        return spec.maxRequests() == 0 || c.issued() < spec.maxRequests();
    }

    private void sent(LoadConnection c, long stamp, long now) {
        requestsSent++;
        if (stamp >= schedule.measureStart() && stamp < schedule.end()) {
            measuredRequests++;
        }
        // With a request limit, the drain starts once every connection has sent its last
        // request, not at the end of the (possibly long) duration.
        if (!underLimit(c) && ++exhausted == connections.size()) {
            drainDeadline = Math.min(drainDeadline, now + spec.drainTimeout().toNanos());
        }
    }

    /** Called by a connection for each reply that matched its request. */
    @Override
    public void replied(long stamp, long now) {
        long nanos = Math.max(0, now - stamp);
        progressLatency.recordValue(nanos);
        if (stamp >= schedule.measureStart()) {
            latency.recordValue(nanos);
        }
        if (schedule.inWindow(now)) {
            windowReplies++;
        }
        lastReplyAt = now;
        repliesReceived++;
    }

    private void flushOrFail(LoadConnection c) {
        try {
            c.flush();
        } catch (IOException e) {
            control.fail("connection " + c.id + ": cannot send: " + e.getMessage());
        }
    }

    /** A connection is done when it will send nothing more and owes nothing. */
    private void checkDone(LoadConnection c, long now) {
        if (c.done || c.outstanding() > 0) {
            return;
        }
        boolean more = underLimit(c) && (openLoop ? c.nextDue < schedule.end() : now < schedule.end());
        if (!more) {
            c.done = true;
            active--;
        }
    }

    /**
     * Every connection has its replies: one last look for bytes nobody asked for, which would
     * otherwise go unnoticed. NOTE: bytes that arrive after this look are not seen; the run is over.
     */
    private void checkNothingMore(long now) {
        for (LoadConnection c : connections) {
            try {
                c.read(readBuffer, now, this); // any frame now has no request outstanding: fails
            } catch (LoadConnection.ReplyException e) {
                control.fail(e.getMessage());
                return;
            } catch (IOException e) {
                // a reset after the last reply loses nothing
            }
        }
    }

    private void reportUnfinished() {
        long drainMillis = spec.drainTimeout().toMillis();
        for (LoadConnection c : connections) {
            if (c.done) {
                continue;
            }
            boolean behind = openLoop && c.nextDue < schedule.end() && underLimit(c);
            if (behind) {
                control.addError("connection " + c.id + ": requests due before the end were still unsent " + drainMillis
                        + " ms after it (" + c.outstanding() + " in flight): the server could not keep up with "
                        + spec.rate() + " msgs/s");
            } else {
                control.addError("connection " + c.id + ": " + c.outstanding() + " replies missing " + drainMillis
                        + " ms after sending stopped (lost, or slower than the drain timeout; the first missing is"
                        + " request #" + c.completed() + ")");
            }
        }
    }

    private void waitForEvents(long now) throws IOException {
        long wait = Math.min(endPassed ? drainDeadline : schedule.end(), drainDeadline) - now;
        if (openLoop && !due.isEmpty()) {
            wait = Math.min(wait, due.peek().nextDue - now);
        }
        wait = Math.min(wait, MAX_WAIT_NANOS);
        if (wait <= 0) {
            selector.selectNow();
        } else if (wait < MILLI) {
            // select() counts in milliseconds: for a sub-millisecond wait, look once, then park.
            if (selector.selectNow() == 0) {
                LockSupport.parkNanos(wait);
            }
        } else {
            selector.select(wait / MILLI);
        }
    }
}
