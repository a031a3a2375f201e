package dev.reactorworkbench.comparisonbench.jmh;

import dev.reactorworkbench.comparisonbench.process.ProcCounters;
import org.HdrHistogram.Histogram;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns what {@link EchoBenchmark} measured in each iteration into JMH secondary results:
 * {@code p50}, {@code p90}, {@code p99}, {@code p99.9} and {@code max} in microseconds (closed-loop
 * latency, the average over iterations), {@code server.threads} (platform threads the server runs)
 * and {@code client.threads}, and the cost per message read from the kernel
 * ({@link ProcCounters}): {@code server.cpu.us/msg}, {@code server.reads/msg},
 * {@code server.writes/msg}, {@code server.cs/msg} (voluntary and involuntary context switches of
 * every server thread) and {@code client.cpu.us/msg} (this fork, the load generator, per message). JMH's own {@code @AuxCounters} cannot carry these: it sums
 * their values over iterations, which is right for counts and wrong for percentiles.
 *
 * <p>{@link EchoBenchmark} publishes one {@link Sample} at the end of each iteration (its
 * {@code @TearDown(Level.Iteration)} runs before JMH calls {@link #afterIteration}), in the same
 * JVM: an internal profiler runs in the benchmark's fork.
 */
public final class LatencyProfiler implements InternalProfiler {

    /** The secondary result names of the cost per message. */
    public static final String SERVER_CPU = "server.cpu.us/msg";
    public static final String SERVER_READS = "server.reads/msg";
    public static final String SERVER_WRITES = "server.writes/msg";
    public static final String SERVER_SWITCHES = "server.cs/msg";
    public static final String CLIENT_CPU = "client.cpu.us/msg";

    /** One iteration's latencies (nanoseconds), thread counts and cost (null if no reply came back). */
    record Sample(Histogram latency, int serverThreads, int clientThreads, Cost cost) {
    }

    /** What the server and the client processes did over one iteration's {@code replies}. */
    record Cost(long replies, ProcCounters.Delta server, ProcCounters.Delta client) {
    }

    // Written by the benchmark thread at the end of an iteration, taken by JMH's runner thread.
    private static final AtomicReference<Sample> LAST = new AtomicReference<>();

    static void publish(Histogram latency, int serverThreads, int clientThreads, Cost cost) {
        LAST.set(new Sample(latency, serverThreads, clientThreads, cost));
    }

    @Override
    public String getDescription() {
        return "Reactor Workbench: latency percentiles (us) and thread counts of EchoBenchmark";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        LAST.set(null);
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        Sample sample = LAST.getAndSet(null);
        if (sample == null) {
            return List.of(); // not an EchoBenchmark, or its iteration failed
        }
        List<Result> results = new ArrayList<>();
        Histogram h = sample.latency();
        if (h.getTotalCount() > 0) {
            results.add(micros("p50", h.getValueAtPercentile(50)));
            results.add(micros("p90", h.getValueAtPercentile(90)));
            results.add(micros("p99", h.getValueAtPercentile(99)));
            results.add(micros("p99.9", h.getValueAtPercentile(99.9)));
            results.add(new ScalarResult("max", h.getMaxValue() / 1e3, "us", AggregationPolicy.MAX));
        }
        results.add(new ScalarResult("server.threads", sample.serverThreads(), "threads", AggregationPolicy.MAX));
        results.add(new ScalarResult("client.threads", sample.clientThreads(), "threads", AggregationPolicy.MAX));
        Cost cost = sample.cost();
        if (cost != null) {
            long n = cost.replies();
            results.add(new ScalarResult(SERVER_CPU, cost.server().cpuMicrosPer(n), "us/msg", AggregationPolicy.AVG));
            results.add(new ScalarResult(SERVER_READS, cost.server().readsPer(n), "calls/msg", AggregationPolicy.AVG));
            results.add(new ScalarResult(SERVER_WRITES, cost.server().writesPer(n), "calls/msg", AggregationPolicy.AVG));
            results.add(new ScalarResult(SERVER_SWITCHES, cost.server().switchesPer(n), "switches/msg", AggregationPolicy.AVG));
            results.add(new ScalarResult(CLIENT_CPU, cost.client().cpuMicrosPer(n), "us/msg", AggregationPolicy.AVG));
        }
        return results;
    }

    private static ScalarResult micros(String label, long nanos) {
        return new ScalarResult(label, nanos / 1e3, "us", AggregationPolicy.AVG);
    }
}
