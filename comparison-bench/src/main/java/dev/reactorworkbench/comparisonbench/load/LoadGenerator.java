package dev.reactorworkbench.comparisonbench.load;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The load generator: {@code run(spec, progress)} connects, drives the load for the warm-up and
 * the measured time, drains the replies still owed, and returns what it measured.
 *
 * <ul>
 *   <li><b>Closed loop</b> ({@code rate == 0}): every connection keeps {@code depth} requests in
 *       flight and sends the next one as soon as a reply comes back. Latency is measured from
 *       send; this shows capacity, but hides stalls (see {@link LoadClientThread} on coordinated
 *       omission).</li>
 *   <li><b>Open loop</b> ({@code rate > 0}): requests are due on a fixed schedule of
 *       {@code rate} per second over all connections, and latency is measured from the due time.
 *       A connection that already has {@code depth} requests in flight holds its due requests
 *       back until replies make room, and they count as late from their due time: the client's
 *       memory stays bounded and no delay goes unmeasured.</li>
 * </ul>
 *
 * <p>Every reply is checked byte for byte. A reply that differs, a reply that is missing (the
 * server closed with requests outstanding, or had not answered by the end of the drain), or a
 * frame nobody asked for fails the run: {@link LoadResult#errors()} says what happened, first
 * error first. Every socket and every thread the run opened is closed before it returns.
 */
public final class LoadGenerator {

    private static final long SECOND = 1_000_000_000L;
    /** How long client threads get to register their connections before the run gives up. */
    private static final long READY_TIMEOUT = 30 * SECOND;
    /** Slack after the drain deadline before the coordinator stops threads that did not stop. */
    private static final long STOP_GRACE = 5 * SECOND;

    private LoadGenerator() {
    }

    /** Runs without progress reports. */
    public static LoadResult run(LoadSpec spec) {
        return run(spec, progress -> { });
    }

    /**
     * Runs {@code spec} and returns once every client thread has ended. {@code progress} is called
     * on the calling thread about once a second.
     */
    public static LoadResult run(LoadSpec spec, Consumer<LoadProgress> progress) {
        // 1. Connect every connection up front, so connecting is not part of the measurement.
        List<LoadConnection> connections = new ArrayList<>(spec.connections());
        try {
            InetSocketAddress target = new InetSocketAddress(spec.host(), spec.port());
            if (target.isUnresolved()) {
                return LoadResult.failedToStart(spec, "cannot resolve host '" + spec.host() + "'");
            }
            for (int i = 0; i < spec.connections(); i++) {
                connections.add(new LoadConnection(i, connect(target, spec.connectTimeout()), spec.payload(), spec.depth()));
            }
        } catch (IOException e) {
            connections.forEach(LoadConnection::close);
            return LoadResult.failedToStart(spec, "cannot connect to " + spec.host() + ":" + spec.port()
                    + " (connection " + connections.size() + " of " + spec.connections() + "): " + e.getMessage());
        }

        // 2. Deal the connections out round-robin to the client threads and start them.
        RunControl control = new RunControl(spec.threads());
        List<LoadClientThread> clients = new ArrayList<>(spec.threads());
        List<Thread> threads = new ArrayList<>(spec.threads());
        try {
            for (int t = 0; t < spec.threads(); t++) {
                List<LoadConnection> share = new ArrayList<>();
                for (int i = t; i < connections.size(); i += spec.threads()) {
                    share.add(connections.get(i));
                }
                clients.add(new LoadClientThread(spec, share, control));
            }
        } catch (IOException e) {
            connections.forEach(LoadConnection::close);
            return LoadResult.failedToStart(spec, "cannot open a selector: " + e.getMessage());
        }
        for (int t = 0; t < clients.size(); t++) {
            threads.add(Thread.ofPlatform().name("load-client-" + t).start(clients.get(t)));
        }

        Schedule schedule = null;
        try {
            // 3. Once every thread has registered its connections, fix the schedule and go.
            if (!control.awaitReady(READY_TIMEOUT)) {
                control.fail("client threads did not register their connections within "
                        + READY_TIMEOUT / SECOND + " s");
            } else {
                schedule = Schedule.of(spec, System.nanoTime());
                control.start(schedule);
                report(spec, schedule, clients, control, progress);
            }
        } catch (InterruptedException e) {
            control.fail("the load run was interrupted");
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            control.fail("the progress callback failed: " + e);
            throw e;
        } finally {
            // 4. Whatever happened, no thread and no socket outlives the run.
            control.stop();
            joinAll(threads, control);
            connections.forEach(LoadConnection::close);
        }
        return schedule == null
                ? LoadResult.failedToStart(spec, control.errors().getFirst())
                : collect(spec, schedule, clients, control);
    }

    private static SocketChannel connect(InetSocketAddress target, Duration timeout) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // A blocking connect with a timeout, then non-blocking for the Selector.
            channel.socket().connect(target, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reports progress once a second until every client thread has finished. */
    private static void report(LoadSpec spec, Schedule schedule, List<LoadClientThread> clients, RunControl control,
                               Consumer<LoadProgress> progress) throws InterruptedException {
        long giveUpAt = schedule.drainDeadline() + STOP_GRACE;
        long nextTick = schedule.start() + SECOND;
        long lastTick = schedule.start();
        long lastReplies = 0;
        while (true) {
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

    private static void joinAll(List<Thread> threads, RunControl control) {
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

    private static LoadResult collect(LoadSpec spec, Schedule schedule, List<LoadClientThread> clients,
                                      RunControl control) {
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
