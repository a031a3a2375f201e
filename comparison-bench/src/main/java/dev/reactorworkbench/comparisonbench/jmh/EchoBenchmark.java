package dev.reactorworkbench.comparisonbench.jmh;

import dev.reactorworkbench.comparisonbench.load.LoadGenerator;
import dev.reactorworkbench.comparisonbench.load.LoadProtocol;
import dev.reactorworkbench.comparisonbench.load.LoadResult;
import dev.reactorworkbench.comparisonbench.load.LoadRun;
import dev.reactorworkbench.comparisonbench.load.LoadSpec;
import dev.reactorworkbench.comparisonbench.process.Pinning;
import dev.reactorworkbench.comparisonbench.process.ProcCounters;
import dev.reactorworkbench.comparisonbench.process.ServerProcess;
import dev.reactorworkbench.comparisonbench.process.TrialServer;
import dev.reactorworkbench.comparisonbench.redis.RealRedis;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
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
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Echo throughput, latency and cost per message of one server (a model or a Netty reference
 * server) under a closed-loop load: {@code connections} connections, {@code depth} requests in
 * flight on each (1 unless pipelined), each request {@code payload} bytes, the handler burning
 * {@code work} microseconds per message, the server running {@code threads} threads in its pool.
 *
 * <h2>What is measured</h2>
 * <ul>
 *   <li>{@code @Setup(Level.Trial)} starts the server <b>in a process of its own</b>
 *       ({@link ServerProcess}: {@code ./workbench serve MODEL --port 0 --threads T --work W ...},
 *       this fork's {@code java} and class path), waits until it accepts, then starts one
 *       {@link LoadGenerator} run that lasts the whole trial, on its own client threads
 *       ({@code load-client-N}, {@link #clientThreads}). The JMH fork holds only the load.</li>
 *   <li>Each {@link #echo()} call returns once {@link #BATCH} more replies have come back, every
 *       one checked byte for byte by the generator; JMH counts it as {@link #BATCH} operations, so
 *       the primary score is <b>replies per second</b> over each JMH iteration (to within one batch).</li>
 *   <li>Cost per message, from the kernel ({@link ProcCounters}): the server process's CPU time,
 *       read and write system calls and context switches, and this fork's CPU time, sampled when
 *       each iteration starts and ends and divided by the checked replies in between:
 *       {@code server.cpu.us/msg}, {@code server.reads/msg}, {@code server.writes/msg},
 *       {@code server.cs/msg}, {@code client.cpu.us/msg}.</li>
 *   <li>Latency: the generator records each request's round trip (send to checked reply) in an
 *       HdrHistogram; closed loop, so at many connections the p50 is mostly connections divided by
 *       throughput (Little's law). p50/p90/p99/p99.9/max in microseconds, the server's thread count
 *       and the costs reach JMH as secondary results through {@link LatencyProfiler}:
 *       {@code -prof dev.reactorworkbench.comparisonbench.jmh.LatencyProfiler}
 *       ({@code ./workbench compare} always adds it).</li>
 *   <li>{@code @TearDown(Level.Trial)} ends the load (no more requests; every reply still owed is
 *       awaited and checked) and stops the server process (gracefully, then forcibly).</li>
 * </ul>
 *
 * <h2>Failures are failures</h2>
 * A wrong, missing or unexpected reply, a server that closes a connection, or no progress for
 * {@link #STALL_TIMEOUT} throws from the benchmark or its teardown: JMH then reports the
 * benchmark as failed and keeps no score for it. A number is never made of unchecked replies.
 *
 * <h2>The thread split, and what the client costs</h2>
 * The JMH thread only waits (parked, waking every half millisecond to look at a counter). NOTE:
 * unless pinned ({@code -Dworkbench.serverCpus}, {@code -Dworkbench.clientCpus}, set by
 * {@code compare --server-cpus/--client-cpus}), the server process and the load generator share
 * every core; on a 2-core machine each message also costs the client a write and a read, so the
 * scores are lower than the server alone could do. {@code client.cpu.us/msg} says how much. The
 * cost figures of the server are its own whatever the split.
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

    /**
     * Requests in flight per connection: 1 (send, wait for the reply, send the next) or more
     * (pipelined: the connection keeps {@code depth} requests outstanding, so the server reads
     * several frames at once and may answer them with one write).
     */
    @Param({"1"})
    public int depth = 1; // JMH sets it; the default serves tests that build the state by hand

    /** The server's {@code --threads}; 0 = the number of cores. */
    @Param({"0"})
    public int threads;

    /**
     * {@code echo}: length-prefixed echo frames. {@code resp}: Redis commands (a SET of the payload,
     * then a GET of it, every reply checked), the model started with {@code --codec resp}; the
     * rows {@code redis} and {@code redis-io-threads} are a real {@code redis-server}.
     */
    @Param({"echo"})
    public String protocol = "echo"; // JMH sets it; the default serves tests that build the state by hand

    private TrialServer server;     // these fields: the JMH worker thread only
    private LoadRun load;
    private long target;            // replies the next echo() call waits for
    private long lastProgressAt;
    private long repliesAtStart;    // of the current iteration, with the counters below
    private ProcCounters serverAtStart;
    private ProcCounters clientAtStart;

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
        LoadProtocol wire = LoadProtocol.named(protocol);
        Pinning pinning = Pinning.fromSystemProperties();
        pinning.pinThisProcess();
        server = startServer(wire, pinning);
        try {
            LoadSpec spec = LoadSpec.closedLoop("127.0.0.1", server.port(), connections, depth, payload, Duration.ofHours(1))
                    .withThreads(clientThreads(connections))
                    .withDrainTimeout(STALL_TIMEOUT)
                    .withProtocol(wire);
            load = LoadGenerator.start(spec);
            if (load.failed()) {
                throw new IllegalStateException(model + ": the load could not start: " + load.finish().firstError()
                        + "; the server printed: " + server.lastOutput());
            }
        } catch (RuntimeException e) {
            server.close(); // a failed setup leaves no server behind
            throw e;
        }
    }
    // end::trial[]

    /**
     * The trial's server: a real {@code redis-server} for the Redis rows (RESP only; no handler
     * work to burn; {@code redis-io-threads} with {@code --io-threads} = the models' thread count
     * and threaded reads; unpinned), else the model or Netty server in a process of its own.
     */
    private TrialServer startServer(LoadProtocol wire, Pinning pinning) throws IOException {
        if (RealRedis.isRow(model)) {
            if (wire != LoadProtocol.RESP || work != 0) {
                throw new IllegalArgumentException(model + " is a real redis-server: it speaks only RESP (-p protocol=resp) "
                        + "and has no handler work (-p work=0)");
            }
            return RealRedis.start(model.equals(RealRedis.rowName(1)) ? 1 : (threads == 0 ? serverThreads() : threads));
        }
        Servers.named(model); // an unknown name fails here, with the list, not in the child
        List<String> flags = new ArrayList<>(serverFlags(connections, work, threads));
        if (wire == LoadProtocol.RESP) {
            flags.addAll(List.of("--codec", "resp"));
        }
        return ServerProcess.start(model, flags, pinning.serverCpus());
    }

    /**
     * The flags after {@code serve MODEL --host 127.0.0.1 --port 0 --quiet}: the pool size
     * ({@code threads}, 0 = cores), the handler's work, no idle timeout, room for every connection.
     */
    public static List<String> serverFlags(int connections, int workMicros, int threads) {
        return List.of("--threads", Integer.toString(threads == 0 ? serverThreads() : threads),
                "--work", Integer.toString(workMicros), "--idle-timeout", "0",
                "--max-connections", Integer.toString(Math.max(10_000, connections + 100)));
    }

    /** The in-process configuration matching {@link #serverFlags} (the memory scenario's server process uses it). */
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
        // The cost window: replies and kernel counters read together, again at the end.
        repliesAtStart = load.repliesReceived();
        serverAtStart = server.counters();
        clientAtStart = clientCounters();
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
        ProcCounters serverAtEnd = server.counters();
        ProcCounters clientAtEnd = clientCounters();
        long replies = load.repliesReceived() - repliesAtStart;
        Histogram latency = load.takeLatency();
        LatencyProfiler.Cost cost = replies <= 0 ? null : new LatencyProfiler.Cost(replies,
                ProcCounters.between(serverAtStart, serverAtEnd), ProcCounters.between(clientAtStart, clientAtEnd));
        if (cost != null && cost.server().threadsEnded() > 0) {
            // Said in JMH's log (the fork's output), so a low server.cs/msg can be traced to it.
            System.out.println("NOTE: " + cost.server().threadsEnded() + " thread(s) of the " + model + " server ended "
                    + "during this iteration; their context switches are not in " + LatencyProfiler.SERVER_SWITCHES);
        }
        LatencyProfiler.publish(latency, server.serverThreads(), load.spec().threads(), cost);
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

    /** The trial's load, for tests: what the generator was told (connections, depth, payload). */
    LoadSpec loadSpec() {
        return load.spec();
    }

    /** The server process, for tests: its pid and whether it is alive. */
    ServerProcess serverProcess() {
        return server instanceof ServerProcess process ? process : null;
    }

    private static ProcCounters clientCounters() {
        try {
            return ProcCounters.self();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this process's /proc counters", e);
        }
    }

    private void failIfBroken() {
        if (load.failed()) {
            throw new IllegalStateException(model + ": a reply failed the check: " + load.errors().getFirst());
        }
    }
}
