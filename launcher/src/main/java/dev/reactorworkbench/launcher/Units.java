package dev.reactorworkbench.launcher;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.Locale;

/**
 * The one way every command of the workbench writes a quantity for a person: a number, a space,
 * a unit. Rates are {@code msgs/s}; latencies are in µs below 1 ms and in ms (then s) above, so a
 * column of them reads at a glance; durations as a person reads them, and {@link #flagDuration}
 * and {@link #flagSize} in the syntax the flags accept, so a printed value can be typed back.
 */
public final class Units {

    /**
     * The micro sign, or {@code us} when standard output cannot carry it (e.g. a C/POSIX locale),
     * where it would print as {@code ?}.
     */
    static final String MICROS = canPrint('µ') ? "µs" : "us";

    private Units() {
    }

    private static boolean canPrint(char c) {
        String name = System.getProperty("stdout.encoding");
        try {
            Charset charset = name == null ? Charset.defaultCharset() : Charset.forName(name);
            return charset.newEncoder().canEncode(c);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** {@code 41,230 msgs/s}. */
    public static String rate(double messagesPerSecond) {
        return String.format(Locale.ROOT, "%,.0f msgs/s", messagesPerSecond);
    }

    /** {@code 2.64 MB/s} (10^6 bytes). */
    public static String megabytesPerSecond(double megabytes) {
        return String.format(Locale.ROOT, "%.2f MB/s", megabytes);
    }

    /** {@code 850 ns}, {@code 144.1 µs}, {@code 2.47 ms}, {@code 1.20 s}. */
    public static String latencyNanos(long nanos) {
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f %s", nanos / 1e3, MICROS);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /** A latency given in microseconds (JMH's unit), written as {@link #latencyNanos}; "-" when unknown. */
    public static String latencyMicros(double micros) {
        if (Double.isNaN(micros) || micros < 0) {
            return "-";
        }
        return latencyNanos(Math.round(micros * 1e3));
    }

    /** An elapsed or measured time for a person: {@code 250 ms}, {@code 10.00 s}, {@code 2 min 5 s}. */
    public static String duration(Duration d) {
        long millis = d.toMillis();
        if (millis < 1_000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.2f s", millis / 1e3);
        }
        long seconds = d.toSeconds();
        return seconds / 60 + " min " + seconds % 60 + " s";
    }

    /**
     * A duration in the flags' own grammar, the largest unit that is exact: {@code 0}, {@code 500ms},
     * {@code 30s}, {@code 5m}, {@code 1h}; the inverse of {@link Converters#duration(String)}.
     */
    public static String flagDuration(Duration d) {
        long millis = d.toMillis();
        if (millis == 0) {
            return "0";
        }
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }

    /**
     * A byte count in the flags' own grammar, the largest binary unit that is exact:
     * {@code 1000}, {@code 64KiB}, {@code 1MiB}; the inverse of {@link Converters#size(String)}.
     */
    public static String flagSize(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes != 0 && bytes % 1024 == 0) {
            return (bytes >> 10) + "KiB";
        }
        return Long.toString(bytes);
    }
}
