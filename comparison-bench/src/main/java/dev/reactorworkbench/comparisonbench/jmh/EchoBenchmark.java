package dev.reactorworkbench.comparisonbench.jmh;

import dev.reactorworkbench.comparisonbench.load.LoadGenerator;
import dev.reactorworkbench.comparisonbench.load.LoadResult;
import dev.reactorworkbench.comparisonbench.load.LoadRun;
import dev.reactorworkbench.comparisonbench.load.LoadSpec;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Echo throughput and latency of one server (a model or a Netty reference server) under a
 * closed-loop load: {@code connections} connections, one request in flight on each (depth 1), each
 * request {@code payload} bytes, the handler burning {@code work} microseconds per message.
 *
 * <h2>What is measured</h2>
 * <ul>
 *   <li>{@code @Setup(Level.Trial)} starts the server on an ephemeral port of 127.0.0.1 with
 *       {@code --threads} = the number of cores (the size of Netty's worker group, and of every
 *       model's pool that has one), then starts one {@link LoadGenerator} run that lasts the whole
 *       trial, on its own client threads ({@code load-client-N}, {@link #clientThreads}).</li>
 *   <li>Each {@link #echo()} call returns once {@link #BATCH} more replies have come back, every
 *       one checked byte for byte by the generator; JMH counts it as {@link #BATCH} operations, so
 *       the primary score is <b>replies per second</b> over each JMH iteration (to within one batch).</li>
 *   <li>Latency: the generator records each request's round trip (send to checked reply) in an
 *       HdrHistogram; the histogram of each iteration is handed to {@link LatencyProfiler}, which
 *       reports p50/p90/p99/p99.9/max in microseconds and the server's thread count as JMH secondary
 *       results. Add it with {@code -prof dev.reactorworkbench.comparisonbench.jmh.LatencyProfiler}
 *       ({@code ./workbench compare} always does).</li>
 *   <li>{@code @TearDown(Level.Trial)} ends the load (no more requests; every reply still owed is
 *       awaited and checked) and closes the server.</li>
 * </ul>
 *
 * <h2>Failures are failures</h2>
 * A wrong, missing or unexpected reply, a server that closes a connection, or no progress for
 * {@link #STALL_TIMEOUT} throws from the benchmark or its teardown: JMH then reports the
 * benchmark as failed and keeps no score for it. A number is never made of unchecked replies.
 *
 * <h2>The thread split, and what the client costs</h2>
 * The JMH thread only waits (parked, waking every half millisecond to look at a counter). The
 * work is done by the server's own threads and by the load generator's client threads, in the
 * same JVM (a JMH fork per trial). NOTE: on a 2-core machine the client and the server share the
 * two cores: every message costs the client a write and a read too, so the scores are lower than
 * the server alone could do, and a model with many runnable threads (a thread per connection)
 * also competes with the client for the CPU. The scores are for comparing servers side by side
 * in one run on one machine, not absolute capacities.
 *
 * <h2>Running it</h2>
 * {@code ./workbench compare} fills {@code model} with every server found at run time. Run by hand,
 * name the servers: {@code java -cp ... org.openjdk.jmh.Main EchoBenchmark -p model=netty-nio,single-thread-reactor
 * -prof dev.reactorworkbench.comparisonbench.jmh.LatencyProfiler}; without {@code -p model} the
 * setup fails with a message listing the names.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class EchoBenchmark {

    /** Placeholder for "not given": the servers are only known at run time. */
    public static final String NO_MODEL = "(give -p model=NAME,...)";
    /** Replies per {@link #echo()} call. */
    public static final int BATCH = 100;
    /** Requests in flight per connection. */
    public static final int DEPTH = 1;
    /** A trial with no reply for this long fails. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_NANOS = 500_000;

    @Param({NO_MODEL})
    public String model;

    @Param({"1", "64", "1024"})
    public int connections;

    @Param({"64", "4096"})
    public int payload;

    @Param({"0", "20"})
    public int work;

    private RunningServer server;   // these fields: the JMH worker thread only
    private LoadRun load;
    private ServerThreads serverThreads;
    private long target;            // replies the next echo() call waits for
    private long lastProgressAt;

    /** The thread count every model with a pool, and Netty's worker group, is given. */
    public static int serverThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Client threads: half the cores (at least 1, at most the connections). */
    public static int clientThreads(int connections) {
        return Math.max(1, Math.min(connections, Runtime.getRuntime().availableProcessors() / 2));
    }

    // tag::trial[]
    @Setup(Level.Trial)
    public void startServerAndLoad() throws IOException {
        if (NO_MODEL.equals(model)) {
            throw new IllegalArgumentException("EchoBenchmark needs the servers to run, e.g. -p model=netty-nio; "
                    + "here: " + String.join(", ", Servers.names()) + " (./workbench compare fills them in)");
        }
        ServerModel chosen = Servers.named(model);
        serverThreads = ServerThreads.baseline();
        server = chosen.start(config(connections, work));
        LoadSpec spec = LoadSpec.closedLoop("127.0.0.1", server.port(), connections, DEPTH, payload, Duration.ofHours(1))
                .withThreads(clientThreads(connections))
                .withDrainTimeout(STALL_TIMEOUT);
        load = LoadGenerator.start(spec);
        if (load.failed()) {
            String error = load.finish().firstError();
            server.close();
            throw new IllegalStateException(model + ": the load could not start: " + error);
        }
    }
    // end::trial[]

    /** The server's configuration: ephemeral port, {@code --threads} = cores, no idle timeout. */
    public static ServerConfig config(int connections, int workMicros) {
        return ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .handler(new EchoHandler(workMicros))
                .threads(serverThreads())
                .maxConnections(Math.max(10_000, connections + 100))
                .idleTimeout(Duration.ZERO)
                .build();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        failIfBroken();
        target = load.repliesReceived();
        lastProgressAt = System.nanoTime();
        load.takeLatency(); // forget what came before this iteration
    }

    // tag::measure[]
    /** Returns once {@link #BATCH} more checked replies have come back. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long echo() {
        target += BATCH;
        while (true) {
            long replies = load.repliesReceived();
            long now = System.nanoTime();
            if (replies >= target) {
                lastProgressAt = now;
                return replies;
            }
            failIfBroken();
            if (now - lastProgressAt > STALL_TIMEOUT.toNanos()) {
                throw new IllegalStateException(model + ": no reply for " + STALL_TIMEOUT.toSeconds() + " s ("
                        + replies + " replies so far)");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
    // end::measure[]

    @TearDown(Level.Iteration)
    public void endIteration() {
        Histogram latency = load.takeLatency();
        LatencyProfiler.publish(latency, serverThreads.count(), load.spec().threads());
        failIfBroken();
    }

    @TearDown(Level.Trial)
    public void stopLoadAndServer() {
        LoadResult result = null;
        try {
            if (load != null) {
                result = load.finish();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
        if (result != null && !result.ok()) {
            throw new IllegalStateException(model + ": the load failed: " + String.join("; ", result.errors()));
        }
    }

    private void failIfBroken() {
        if (load.failed()) {
            throw new IllegalStateException(model + ": a reply failed the check: " + load.errors().getFirst());
        }
    }
}
