package dev.reactorworkbench.comparisonbench.load;

import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What the coordinating thread and the client threads share in one run: the start signal with the
 * schedule, the stop flag, and the errors. Every member is safe to use from any thread.
 */
final class RunControl {

    /** Errors kept word for word; past this many only a count is kept. */
    static final int MAX_ERRORS = 20;

    private final CountDownLatch ready;           // each client thread counts down once registered
    private final CountDownLatch go = new CountDownLatch(1);
    private final CountDownLatch finished;        // each client thread counts down on exit
    private volatile Schedule schedule;           // written by the coordinator before `go` opens, and
                                                  // again at most once more by endEarly()
    private volatile boolean stopped;             // set by whoever fails first, or by the coordinator
    private final List<Selector> selectors = new CopyOnWriteArrayList<>();
    private final Object errorLock = new Object();
    private final List<String> errors = new ArrayList<>();  // guarded by errorLock
    private long errorsDropped;                            // guarded by errorLock

    RunControl(int threads) {
        this.ready = new CountDownLatch(threads);
        this.finished = new CountDownLatch(threads);
    }

    void addSelector(Selector selector) {
        selectors.add(selector);
    }

    // --- start -------------------------------------------------------------------------------

    void threadReady() {
        ready.countDown();
    }

    boolean awaitReady(long timeoutNanos) throws InterruptedException {
        return ready.await(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Publishes the schedule and lets every client thread go. */
    void start(Schedule schedule) {
        this.schedule = schedule;
        go.countDown();
    }

    /** The schedule in force: the one published by {@link #start}, or its early end. */
    Schedule schedule() {
        return schedule;
    }

    /**
     * Ends the measured time at {@code now} (if it was to end later): client threads pick the new
     * schedule up at their next wake-up, which this forces, stop sending and drain as usual.
     */
    void endEarly(long now) {
        Schedule current = schedule;
        if (current != null) {
            schedule = current.endingAt(now);
            for (Selector selector : selectors) {
                selector.wakeup();
            }
        }
    }

    /** Waits for {@link #start}; null when the run was stopped before it started. */
    Schedule awaitStart() throws InterruptedException {
        while (!go.await(100, TimeUnit.MILLISECONDS)) {
            if (stopped) {
                return null;
            }
        }
        return stopped ? null : schedule;
    }

    // --- stop --------------------------------------------------------------------------------

    boolean stopped() {
        return stopped;
    }

    /** Records a run-failing error and stops every client thread. */
    void fail(String error) {
        addError(error);
        stop();
    }

    /** Records an error without stopping the others (e.g. replies missing at the drain deadline). */
    void addError(String error) {
        synchronized (errorLock) {
            if (errors.size() < MAX_ERRORS) {
                errors.add(error);
            } else {
                errorsDropped++;
            }
        }
    }

    /** Stops every client thread: each notices at its next wake-up, which this forces. */
    void stop() {
        stopped = true;
        for (Selector selector : selectors) {
            selector.wakeup();
        }
    }

    List<String> errors() {
        synchronized (errorLock) {
            List<String> copy = new ArrayList<>(errors);
            if (errorsDropped > 0) {
                copy.add("... and " + errorsDropped + " more errors");
            }
            return copy;
        }
    }

    int errorCount() {
        synchronized (errorLock) {
            return (int) (errors.size() + errorsDropped);
        }
    }

    // --- end ---------------------------------------------------------------------------------

    void threadFinished() {
        finished.countDown();
    }

    boolean awaitFinished(long timeoutNanos) throws InterruptedException {
        return finished.await(timeoutNanos, TimeUnit.NANOSECONDS);
    }
}
