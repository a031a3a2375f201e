package dev.reactorworkbench.comparisonbench.load;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A load run going on in its client threads, from {@link LoadGenerator#start}. The caller either
 * waits for the planned end ({@link #await}, what {@link LoadGenerator#run} does), or samples the
 * run while it goes ({@link #repliesReceived()}, {@link #takeLatency()}) and ends it when it
 * chooses ({@link #finish}): that is how a benchmark keeps one load running across its iterations.
 *
 * <p>Either way the run ends the same: no more requests are sent, the replies still owed are
 * awaited (up to the spec's drain timeout) and checked, every thread is joined and every socket
 * closed, and the {@link LoadResult} says whether anything was wrong, missing or unexpected.
 *
 * <p>Threads: one coordinating thread (the caller) uses a run; {@link #repliesReceived()},
 * {@link #failed()} and {@link #errors()} may be called from any thread.
 */
public final class LoadRun implements AutoCloseable {

    private static final long SECOND = 1_000_000_000L;
    /** Slack after the drain deadline before the coordinator stops threads that did not stop. */
    private static final long STOP_GRACE = 5 * SECOND;

    private final LoadSpec spec;
    private final RunControl control;
    private final List<LoadClientThread> clients;
    private final List<Thread> threads;
    private final List<LoadConnection> connections;
    private LoadResult result;      // coordinating thread; set once the run has ended

    LoadRun(LoadSpec spec, RunControl control, List<LoadClientThread> clients, List<Thread> threads,
            List<LoadConnection> connections) {
        this.spec = spec;
        this.control = control;
        this.clients = clients;
        this.threads = threads;
        this.connections = connections;
    }

    private LoadRun(LoadResult failedToStart) {
        this.spec = failedToStart.spec();
        this.control = null;
        this.clients = List.of();
        this.threads = List.of();
        this.connections = List.of();
        this.result = failedToStart;
    }

    /** A run that never started: {@link #finish} and {@link #await} return {@code result}. */
    static LoadRun failed(LoadResult result) {
        return new LoadRun(result);
    }

    public LoadSpec spec() {
        return spec;
    }

    /** Replies read and checked so far, over all connections, warm-up included. */
    public long repliesReceived() {
        long replies = 0;
        for (LoadClientThread c : clients) {
            replies += c.repliesReceived;
        }
        return replies;
    }

    /**
     * The latencies (nanoseconds) of the replies read since the previous call (or since the start),
     * over every connection. Each call starts a new interval. NOTE: {@link #await} takes the same
     * intervals for its progress lines; use one or the other.
     */
    public Histogram takeLatency() {
        Histogram merged = new Histogram(3);
        for (LoadClientThread c : clients) {
            merged.add(c.progressLatency.getIntervalHistogram());
        }
        return merged;
    }

    /** True once any reply was wrong, missing or unexpected, or the run could not start. */
    public boolean failed() {
        return control == null ? !result.ok() : control.errorCount() > 0;
    }

    /** What went wrong so far, first error first. */
    public List<String> errors() {
        return control == null ? result.errors() : control.errors();
    }

    /**
     * Waits for the planned end (the spec's warm-up + duration, then the drain), calling
     * {@code progress} on this thread about once a second, and returns the result.
     */
    public LoadResult await(Consumer<LoadProgress> progress) {
        if (result != null) {
            return result;
        }
        try {
            report(progress);
        } catch (InterruptedException e) {
            control.fail("the load run was interrupted");
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            control.fail("the progress callback failed: " + e);
            end();
            throw e;
        }
        return end();
    }

    /**
     * Ends the measured time now (if the spec planned it later): the client threads stop sending,
     * every reply still owed is awaited and checked, then the run ends as usual.
     */
    public LoadResult finish() {
        if (result != null) {
            return result;
        }
        control.endEarly(System.nanoTime());
        return await(progress -> { });
    }

    /** {@link #finish()}, ignoring the result: for try-with-resources. */
    @Override
    public void close() {
        finish();
    }

    private LoadResult end() {
        // Whatever happened, no thread and no socket outlives the run.
        control.stop();
        joinAll(threads, control);
        connections.forEach(LoadConnection::close);
        result = collect();
        return result;
    }

    /** Reports progress once a second until every client thread has finished. */
    private void report(Consumer<LoadProgress> progress) throws InterruptedException {
        Schedule schedule = control.schedule();
        long nextTick = schedule.start() + SECOND;
        long lastTick = schedule.start();
        long lastReplies = 0;
        while (true) {
            // The schedule may have been ended early: always give up relative to the one in force.
            schedule = control.schedule();
            long giveUpAt = schedule.drainDeadline() + STOP_GRACE;
            long now = System.nanoTime();
            if (control.awaitFinished(Math.max(0, Math.min(nextTick, giveUpAt) - now))) {
                return;
            }
            now = System.nanoTime();
            if (now >= giveUpAt) {
                control.fail("client threads did not stop " + STOP_GRACE / SECOND + " s after the drain deadline");
                return;
            }
            if (now < nextTick) {
                continue;
            }
            // One interval: replies, in flight, latencies of the last second.
            long sent = 0;
            long replies = 0;
            Histogram merged = new Histogram(3);
            for (LoadClientThread c : clients) {
                sent += c.requestsSent;
                replies += c.repliesReceived;
                merged.add(c.progressLatency.getIntervalHistogram());
            }
            double seconds = (now - lastTick) / 1e9;
            // The interval is labelled by the phase it started in: [0 s, 1 s) of a 1 s warm-up is warm-up.
            LoadProgress.Phase phase = lastTick < schedule.measureStart() ? LoadProgress.Phase.WARMUP
                    : lastTick < schedule.end() ? LoadProgress.Phase.MEASURE : LoadProgress.Phase.DRAIN;
            double rate = (replies - lastReplies) / seconds;
            progress.accept(new LoadProgress(Duration.ofNanos(now - schedule.start()), phase, sent, replies,
                    rate, rate * spec.payload() / 1e6,
                    merged.getTotalCount() == 0 ? 0 : merged.getValueAtPercentile(99),
                    merged.getTotalCount() == 0 ? 0 : merged.getMaxValue(),
                    Math.max(0, sent - replies), control.errorCount()));
            lastTick = now;
            lastReplies = replies;
            while (nextTick <= now) {
                nextTick += SECOND;
            }
        }
    }

    static void joinAll(List<Thread> threads, RunControl control) {
        boolean interrupted = false;
        for (Thread thread : threads) {
            // Each client thread wakes at least every 100 ms and sees the stop flag; a thread
            // still alive after 10 s is interrupted, which also wakes a select().
            for (int attempt = 0; attempt < 3 && thread.isAlive(); attempt++) {
                try {
                    if (!thread.join(Duration.ofSeconds(10))) {
                        control.addError("client thread " + thread.getName() + " did not stop within 10 s");
                        thread.interrupt();
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private LoadResult collect() {
        Schedule schedule = control.schedule();
        Histogram latency = new Histogram(3);
        long messages = 0;
        long measuredRequests = 0;
        long sent = 0;
        long replies = 0;
        long lastReply = schedule.measureStart();
        for (LoadClientThread c : clients) {
            latency.add(c.latency);
            messages += c.windowReplies;
            measuredRequests += c.measuredRequests;
            sent += c.requestsSent;
            replies += c.repliesReceived;
            lastReply = Math.max(lastReply, c.lastReplyAt);
        }
        // With a request limit the run may end early: measure up to the last reply, not the end.
        long measuredEnd = spec.maxRequests() > 0 ? Math.min(schedule.end(), lastReply) : schedule.end();
        Duration measured = Duration.ofNanos(Math.max(0, measuredEnd - schedule.measureStart()));
        return new LoadResult(spec, measured, messages, messages * spec.payload(), measuredRequests, sent, replies,
                latency, control.errors());
    }
}
