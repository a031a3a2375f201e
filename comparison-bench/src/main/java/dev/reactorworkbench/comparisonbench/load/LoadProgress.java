package dev.reactorworkbench.comparisonbench.load;

import dev.reactorworkbench.launcher.Units;

import java.time.Duration;
import java.util.Locale;

/**
 * One progress report, made once a second while a run goes on. The rates and latencies cover the
 * last interval only, warm-up included, so a reader sees the server settle.
 *
 * @param elapsed          since the run started
 * @param phase            the phase the interval started in: warm-up, measuring, or draining
 * @param requestsSent     since the start
 * @param repliesReceived  since the start, each checked
 * @param messagesPerSecond replies per second in the last interval
 * @param megabytesPerSecond payload megabytes (10^6 bytes) echoed per second in the last interval
 * @param p99Nanos         99th percentile latency of the replies of the last interval
 * @param maxNanos         largest latency of the last interval
 * @param inFlight         requests sent and not yet answered, now
 * @param errors           errors so far (any error also stops the run)
 */
public record LoadProgress(Duration elapsed, Phase phase, long requestsSent, long repliesReceived,
                           double messagesPerSecond, double megabytesPerSecond, long p99Nanos, long maxNanos,
                           long inFlight, int errors) {

    public enum Phase {
        WARMUP("warm-up"), MEASURE("measure"), DRAIN("drain");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** One line for a terminal, e.g. {@code [measure  3s]   41,230 msgs/s |  2.64 MB/s | p99   1.20 ms ...}. */
    public String line() {
        return String.format(Locale.ROOT, "[%-7s %3ds] %19s | %11s | p99 %10s | max %10s | in flight %,d | errors %d",
                phase, elapsed.toSeconds(), Units.rate(messagesPerSecond), Units.megabytesPerSecond(megabytesPerSecond),
                LoadResult.formatNanos(p99Nanos), LoadResult.formatNanos(maxNanos), inFlight, errors);
    }
}
