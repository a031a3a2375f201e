package dev.reactorworkbench.comparisonbench.load;

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
        return start(spec).await(progress);
    }

    /**
     * Starts {@code spec} and returns at once with the run going on in its client threads: for a
     * caller that samples the run while it goes (a benchmark, see {@link LoadRun}). A run that
     * could not start comes back already failed.
     */
    public static LoadRun start(LoadSpec spec) {
        // 1. Connect every connection up front, so connecting is not part of the measurement.
        List<LoadConnection> connections = new ArrayList<>(spec.connections());
        try {
            InetSocketAddress target = new InetSocketAddress(spec.host(), spec.port());
            if (target.isUnresolved()) {
                return LoadRun.failed(LoadResult.failedToStart(spec, "cannot resolve host '" + spec.host() + "'"));
            }
            for (int i = 0; i < spec.connections(); i++) {
                connections.add(new LoadConnection(i, connect(target, spec.connectTimeout()), spec.payload(), spec.depth(),
                        spec.protocol()));
            }
        } catch (IOException e) {
            connections.forEach(LoadConnection::close);
            return LoadRun.failed(LoadResult.failedToStart(spec, "cannot connect to " + spec.host() + ":" + spec.port()
                    + " (connection " + connections.size() + " of " + spec.connections() + "): " + e.getMessage()));
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
            return LoadRun.failed(LoadResult.failedToStart(spec, "cannot open a selector: " + e.getMessage()));
        }
        for (int t = 0; t < clients.size(); t++) {
            threads.add(Thread.ofPlatform().name("load-client-" + t).start(clients.get(t)));
        }

        // 3. Once every thread has registered its connections, fix the schedule and go.
        try {
            if (!control.awaitReady(READY_TIMEOUT)) {
                control.fail("client threads did not register their connections within "
                        + READY_TIMEOUT / SECOND + " s");
            } else {
                control.start(Schedule.of(spec, System.nanoTime()));
                return new LoadRun(spec, control, clients, threads, connections);
            }
        } catch (InterruptedException e) {
            control.fail("the load run was interrupted");
            Thread.currentThread().interrupt();
        }
        // Never started: no thread and no socket outlives the attempt.
        control.stop();
        LoadRun.joinAll(threads, control);
        connections.forEach(LoadConnection::close);
        return LoadRun.failed(LoadResult.failedToStart(spec, control.errors().getFirst()));
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
}
