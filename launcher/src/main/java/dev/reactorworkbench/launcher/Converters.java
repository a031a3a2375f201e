package dev.reactorworkbench.launcher;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grammars of the workbench's flags, written once and used by every command through picocli's
 * type converters: durations ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}) and sizes
 * ({@code 4096}, {@code 64k}, {@code 64KiB}, {@code 1m}, {@code 1MiB}; k and m are binary).
 * Picocli puts the flag's name in front of the message: {@code Invalid value for option
 * '--idle-timeout': must look like ...}.
 */
public final class Converters {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    private Converters() {
    }

    /** {@code 0}, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; a bare number is seconds; null when not one. */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return null; // more digits than a long holds
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    /** A byte count: a bare number, or with {@code k}/{@code KiB} (1024) or {@code m}/{@code MiB}; null when not one. */
    public static Long size(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        try {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2);
            int shift = switch (unit.charAt(0)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                default -> 0;
            };
            return Math.multiplyExact(n, 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** picocli converter for a {@link Duration} flag. */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration d = duration(text);
            if (d == null) {
                throw new CommandLine.TypeConversionException(
                        "must look like 0, 500ms, 30s, 5m or 1h, was '" + text + "'");
            }
            return d;
        }
    }

    /** picocli converter for an {@code int} byte-count flag. */
    public static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            Long bytes = size(text);
            if (bytes == null || bytes > Integer.MAX_VALUE) {
                throw new CommandLine.TypeConversionException(
                        "must be a byte count like 4096, 64k or 1m (k = 1024), was '" + text + "'");
            }
            return bytes.intValue();
        }
    }
}
