package dev.reactorworkbench.comparisonbench.report;

import java.util.Locale;

/**
 * One measured figure with its interval: {@code value} in {@code [low, high]}. Without an interval
 * (one sample, or the file did not carry one) {@code low} and {@code high} are NaN, and the figure
 * says so wherever it is shown rather than looking exact.
 *
 * @param value the score (JMH's mean of the measured iterations, or a single measurement)
 * @param low   the interval's lower end (see {@link BenchResults#intervalKind()} for which interval)
 * @param high  its upper end
 */
public record Figure(double value, double low, double high) {

    public static final Figure MISSING = new Figure(Double.NaN, Double.NaN, Double.NaN);

    public static Figure exact(double value) {
        return new Figure(value, Double.NaN, Double.NaN);
    }

    public boolean present() {
        return !Double.isNaN(value);
    }

    public boolean hasInterval() {
        return !Double.isNaN(low) && !Double.isNaN(high);
    }

    /** Half the interval's width over the value: the noise of this one figure (NaN without an interval). */
    public double relativeHalfWidth() {
        return hasInterval() && value != 0 ? (high - low) / 2 / Math.abs(value) : Double.NaN;
    }

    /**
     * Whether the two intervals are apart: only then is the difference between the two figures
     * taken as real. Without both intervals nothing can be told apart.
     */
    public boolean distinctFrom(Figure other) {
        return hasInterval() && other.hasInterval() && (high < other.low || other.high < low);
    }

    /**
     * {@code this / other} with the widest interval the two intervals allow (interval arithmetic:
     * {@code [low / other.high, high / other.low]}), so a ratio whose interval excludes 1 is exactly
     * a pair whose intervals are apart. Positive figures only (rates, costs); else NaN.
     */
    public Figure dividedBy(Figure other) {
        if (!present() || !other.present() || other.value <= 0) {
            return MISSING;
        }
        double ratio = value / other.value;
        if (!hasInterval() || !other.hasInterval() || other.low <= 0) {
            return exact(ratio);
        }
        return new Figure(ratio, low / other.high, high / other.low);
    }

    /** For a ratio: whether its interval lies wholly above or below 1. */
    public boolean excludesOne() {
        return hasInterval() && (low > 1 || high < 1);
    }

    // --- text ----------------------------------------------------------------------------

    /** e.g. {@code 30,100 [29,000–31,200]}, each number formatted by {@code format}. */
    public String format(Format format) {
        if (!present()) {
            return "–";
        }
        String v = format.apply(value);
        return hasInterval() ? v + " [" + format.apply(low) + "–" + format.apply(high) + "]" : v + " [no interval]";
    }

    /** How one number of a figure is written. */
    @FunctionalInterface
    public interface Format {
        String apply(double v);

        Format RATE = v -> String.format(Locale.ROOT, "%,.0f", v);
        Format RATIO = v -> String.format(Locale.ROOT, "%.2fx", v);
        /**
         * Costs per message: three significant digits, whatever their size (0.0213 reads, 41.2 us).
         * A count per message cannot be negative, and below 0.0005 it is none to the precision
         * shown: both print as 0 (an interval's low end can dip below zero by noise).
         */
        Format COST = v -> v < 0.0005 ? "0" : significant(v);
    }

    static String significant(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.0f", v);
        }
        int digits = (int) Math.floor(Math.log10(Math.abs(v)));
        int decimals = Math.max(0, 2 - digits);
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
