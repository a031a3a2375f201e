package dev.reactorworkbench.comparisonbench.openloop;

import dev.reactorworkbench.comparisonbench.jmh.EchoBenchmark;
import dev.reactorworkbench.comparisonbench.jmh.Shape;
import dev.reactorworkbench.comparisonbench.load.LoadGenerator;
import dev.reactorworkbench.comparisonbench.load.LoadResult;
import dev.reactorworkbench.comparisonbench.load.LoadSpec;
import dev.reactorworkbench.comparisonbench.process.Pinning;
import dev.reactorworkbench.comparisonbench.process.ServerProcess;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Latency that means something: open-loop runs at fixed offered loads, after the closed-loop
 * sweep. For each shape, the offered rate is a fraction (50 %, 90 %) of one capacity, the
 * closed-loop msgs/s of {@code netty-nio} at that shape in the same run, and every server gets the
 * same rate. Each run starts the server in a process of its own ({@link ServerProcess}, as the
 * benchmark does), drives it with the load generator's {@code --rate} mode (latency from each
 * request's intended send time, so a stall cannot hide: coordinated omission is corrected by
 * construction), and keeps the whole HdrHistogram.
 *
 * <p>A server that cannot keep up shows it: its achieved rate is below the offered one and its
 * tail is long. A run whose replies fail the check keeps its row with {@code errors > 0}; nothing
 * is dropped.
 *
 * @param servers    the servers, in table order
 * @param shapes     the loads (the closed-loop capacity of each must be known)
 * @param fractions  of the capacity, e.g. 0.5 and 0.9
 * @param warmup     run at the offered rate before measuring
 * @param duration   measured
 * @param threads    the servers' {@code --threads}
 * @param pinning    CPU pinning of server and load
 */
public record OpenLoopRuns(List<String> servers, List<Shape> shapes, List<Double> fractions, Duration warmup,
                           Duration duration, int threads, Pinning pinning) {

    /** Requests a connection may have in flight before its due requests wait (and count as late). */
    public static final int DEPTH = 8;
    /** Seconds a run takes beyond warm-up and measurement: the server's JVM start and close. */
    static final double RUN_OVERHEAD_SECONDS = 2.5;

    public int runs() {
        return servers.size() * shapes.size() * fractions.size();
    }

    public double estimatedSeconds() {
        return runs() * (RUN_OVERHEAD_SECONDS + warmup.toMillis() / 1e3 + duration.toMillis() / 1e3);
    }

    /** Where the capacity comes from, for a shape. */
    public record Capacity(String server, double msgsPerSecond) {
    }

    /**
     * Runs every server at every fraction of {@code capacity(shape)}; a shape without a capacity
     * is skipped with a line on {@code progress}.
     *
     * @return one {@code latency.json} run object per run, in order
     */
    public List<Map<String, Object>> run(Map<Shape, Capacity> capacities, Consumer<String> progress) {
        List<Map<String, Object>> runs = new ArrayList<>();
        int n = 0;
        for (Shape shape : shapes) {
            Capacity capacity = capacities.get(shape);
            if (capacity == null || capacity.msgsPerSecond() <= 0) {
                progress.accept("open loop at " + shape + ": skipped, no closed-loop capacity of the reference server "
                        + "was measured at this shape in this run");
                n += servers.size() * fractions.size();
                continue;
            }
            for (double fraction : fractions) {
                long rate = Math.max(1, Math.round(capacity.msgsPerSecond() * fraction));
                for (String server : servers) {
                    n++;
                    long started = System.nanoTime();
                    Map<String, Object> run = runOne(server, shape, capacity, fraction, rate);
                    runs.add(run);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> p = (Map<String, Object>) run.get("percentilesUs");
                    progress.accept(String.format(Locale.ROOT,
                            "[open %2d/%d] %-29s %s at %2.0f%% = %,d/s: achieved %,.0f/s  p99 %s  p99.9 %s%s  (%.1f s)",
                            n, runs(), server, shape, fraction * 100, rate, (Double) run.get("achievedPerSec"),
                            millis(p.get("99")), millis(p.get("99.9")),
                            ((Integer) run.get("errors")) > 0 ? "  FAILED: " + run.get("firstError") : "",
                            (System.nanoTime() - started) / 1e9));
                }
            }
        }
        return runs;
    }

    private Map<String, Object> runOne(String server, Shape shape, Capacity capacity, double fraction, long rate) {
        LoadResult result;
        String startError = null;
        try (ServerProcess process = ServerProcess.start(server,
                EchoBenchmark.serverFlags(shape.connections(), shape.work(), threads), pinning.serverCpus())) {
            LoadSpec spec = LoadSpec.openLoop("127.0.0.1", process.port(), shape.connections(), DEPTH, shape.payload(),
                            rate, duration)
                    .withWarmup(warmup)
                    .withThreads(EchoBenchmark.clientThreads(shape.connections()))
                    .withDrainTimeout(Duration.ofSeconds(10));
            result = LoadGenerator.run(spec);
        } catch (IOException | RuntimeException e) {
            startError = String.valueOf(e.getMessage());
            result = null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server", server);
        m.put("threads", threads == 0 ? EchoBenchmark.serverThreads() : threads);
        m.put("connections", shape.connections());
        m.put("payload", shape.payload());
        m.put("work", shape.work());
        m.put("depth", DEPTH);
        m.put("capacityServer", capacity.server());
        m.put("capacityMsgsPerSec", round1(capacity.msgsPerSecond()));
        m.put("loadFraction", fraction);
        m.put("offeredPerSec", (double) rate);
        m.put("achievedPerSec", result == null ? 0.0 : round1(result.messagesPerSecond()));
        m.put("durationSeconds", duration.toMillis() / 1e3);
        m.put("warmupSeconds", warmup.toMillis() / 1e3);
        int errors = result == null ? 1 : result.errors().size();
        m.put("errors", errors);
        if (errors > 0) {
            m.put("firstError", result == null ? "the server did not start: " + startError : result.firstError());
        }
        Histogram h = result == null ? new Histogram(3) : result.latency();
        Map<String, Object> p = new LinkedHashMap<>();
        if (h.getTotalCount() > 0) {
            for (double q : new double[]{50, 90, 99, 99.9, 99.99}) {
                p.put(label(q), round1(h.getValueAtPercentile(q) / 1e3));
            }
            p.put("max", round1(h.getMaxValue() / 1e3));
        }
        m.put("percentilesUs", p);
        m.put("histogramUnit", "ns");
        m.put("histogram", encode(h));
        return m;
    }

    /** HdrHistogram's compressed encoding, base64: {@code Histogram.decodeFromCompressedByteBuffer} reads it back. */
    public static String encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    private static String millis(Object micros) {
        return micros instanceof Number n ? String.format(Locale.ROOT, "%,.2f ms", n.doubleValue() / 1e3) : "?";
    }

    private static String label(double q) {
        return q == Math.rint(q) ? Long.toString((long) q) : Double.toString(q);
    }

    private static double round1(double d) {
        return Math.round(d * 10) / 10.0;
    }

    /** How the runs were made, for {@code latency.json}. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("load", "open loop: requests due on a fixed schedule over all connections, at most " + DEPTH
                + " in flight per connection (later ones wait and count as late); latency from each request's due time");
        m.put("fractions", fractions.toString());
        m.put("warmupSeconds", warmup.toMillis() / 1e3);
        m.put("durationSeconds", duration.toMillis() / 1e3);
        m.put("server", "a process of its own, ./workbench serve NAME --threads " + (threads == 0 ? EchoBenchmark.serverThreads() : threads));
        return m;
    }
}
