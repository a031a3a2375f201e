package dev.reactorworkbench.comparisonbench.timeline;

import java.time.Duration;

/**
 * What a timeline records: the model's threads ({@code 0}: the model's default for this machine),
 * the closed-loop load driven against it, and the window drawn from the steady state.
 */
public record TimelineSpec(int threads, int connections, int depth, int payload, long workMicros,
                           Duration duration, Duration window) {

    public TimelineSpec {
        range("--threads", threads, 0, 64);
        range("--connections", connections, 1, 1024);
        range("--depth", depth, 1, 1024);
        range("--payload", payload, 0, 1 << 20);
        range("--work", workMicros, 0, 1_000_000);
        if (duration.compareTo(Duration.ofMillis(50)) < 0 || duration.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("--duration must be 50ms to 1m, was " + duration.toMillis() + "ms");
        }
        if (window.compareTo(Duration.ofNanos(10_000)) < 0 || window.compareTo(duration.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("--window must be 10us to half of --duration ("
                    + duration.dividedBy(2).toMillis() + "ms), was " + window.toNanos() / 1000 + "us");
        }
    }

    /** The defaults of {@code ./workbench timeline}. */
    public static TimelineSpec defaults() {
        return new TimelineSpec(4, 4, 1, 64, 20, Duration.ofMillis(300), Duration.ofMillis(2));
    }

    private static void range(String flag, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(flag + " must be " + min + " to " + max + ", was " + value);
        }
    }
}
