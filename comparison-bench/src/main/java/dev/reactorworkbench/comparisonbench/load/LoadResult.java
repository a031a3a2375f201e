package dev.reactorworkbench.comparisonbench.load;

import dev.reactorworkbench.launcher.Units;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The outcome of one run. A run with any error is a failed run: its numbers describe what was
 * measured before it stopped and must not be reported as a result.
 *
 * @param spec             what was run
 * @param measured         the measured time: the duration, or less when every connection had
 *                         sent its {@link LoadSpec#maxRequests()} and got its replies earlier
 * @param messages         replies read during the measured time (the throughput count)
 * @param payloadBytes     payload bytes of those replies (one way: each byte also went out)
 * @param measuredRequests requests sent (closed loop) or due (open loop) during the measured
 *                         time; each one's latency is in {@code latency} once answered
 * @param requestsSent     all requests sent, warm-up and drain included
 * @param repliesReceived  all replies read and checked, warm-up and drain included
 * @param latency          latencies of the measured requests, in nanoseconds; closed loop: from
 *                         send, open loop: from the due time. Treat as read-only
 * @param errors           why the run failed, first error first; empty when it succeeded
 */
public record LoadResult(LoadSpec spec, Duration measured, long messages, long payloadBytes, long measuredRequests,
                         long requestsSent, long repliesReceived, Histogram latency, List<String> errors) {

    public LoadResult {
        errors = List.copyOf(errors);
    }

    /** A run that failed before any load was sent (e.g. the server refused the connection). */
    static LoadResult failedToStart(LoadSpec spec, String error) {
        return new LoadResult(spec, Duration.ZERO, 0, 0, 0, 0, 0, new Histogram(3), List.of(error));
    }

    /** True when every reply came back, in order, byte for byte, and none was missing. */
    public boolean ok() {
        return errors.isEmpty();
    }

    /** The first error, or null for a successful run. */
    public String firstError() {
        return errors.isEmpty() ? null : errors.getFirst();
    }

    public double messagesPerSecond() {
        return perSecond(messages);
    }

    /** Payload megabytes (10^6 bytes) echoed per second, counted one way. */
    public double megabytesPerSecond() {
        return perSecond(payloadBytes) / 1e6;
    }

    /** The latency at {@code percentile} (0..100) in nanoseconds; 0 when nothing was measured. */
    public long latencyNanos(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile);
    }

    public long p50Nanos() {
        return latencyNanos(50);
    }

    public long p90Nanos() {
        return latencyNanos(90);
    }

    public long p99Nanos() {
        return latencyNanos(99);
    }

    public long p999Nanos() {
        return latencyNanos(99.9);
    }

    public long maxNanos() {
        return latency.getTotalCount() == 0 ? 0 : latency.getMaxValue();
    }

    private double perSecond(long count) {
        double seconds = measured.toNanos() / 1e9;
        return seconds <= 0 ? 0 : count / seconds;
    }

    /** A few lines for a terminal: throughput, latency percentiles, counts, and any errors. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s%n", spec));
        b.append(String.format(Locale.ROOT, "throughput  %s  %s (payload, each way) over %s%n",
                Units.rate(messagesPerSecond()), Units.megabytesPerSecond(megabytesPerSecond()), Units.duration(measured)));
        b.append(String.format(Locale.ROOT, "latency     p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (%,d measured, %s)%n",
                formatNanos(p50Nanos()), formatNanos(p90Nanos()), formatNanos(p99Nanos()), formatNanos(p999Nanos()),
                formatNanos(maxNanos()), latency.getTotalCount(),
                spec.openLoop() ? "from each request's due time" : "from each request's send time"));
        b.append(String.format(Locale.ROOT, "requests    %,d sent, %,d replies checked%n", requestsSent, repliesReceived));
        if (ok()) {
            b.append("errors      none");
        } else {
            b.append("FAILED      ").append(errors.size()).append(errors.size() == 1 ? " error" : " errors");
            for (String error : errors) {
                b.append(String.format("%n  %s", error));
            }
        }
        return b.toString();
    }

    /** {@code 850.0 µs}, {@code 12.30 ms}, {@code 1.20 s}: the workbench's one latency format ({@link Units}). */
    public static String formatNanos(long nanos) {
        return Units.latencyNanos(nanos);
    }
}
