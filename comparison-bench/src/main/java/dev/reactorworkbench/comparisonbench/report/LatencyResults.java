package dev.reactorworkbench.comparisonbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

/**
 * The open-loop runs of {@code latency.json} (see {@code contract-results.md}): every server at the
 * same offered rates (50 % and 90 % of netty-nio's capacity at a shape), latency from each request's
 * intended send time, with the full HdrHistogram of each run.
 *
 * @param machine the machine the runs were made on
 * @param runs    one per server x shape x load fraction
 */
public record LatencyResults(Map<String, Object> machine, List<Run> runs) {

    /** The percentiles of the tables, as fractions. */
    public static final List<Double> TABLE_PERCENTILES = List.of(0.50, 0.99, 0.999, 0.9999);

    /** z for a two-sided 99.9 % interval of a normal distribution. */
    private static final double Z_999 = 3.2905;

    /** One run as the bench writes it; {@code histogram} is HdrHistogram's compressed encoding in base64. */
    public record Run(String server, int threads, int connections, int payload, int work, String capacityServer,
                      double capacityMsgsPerSec, double loadFraction, double offeredPerSec, double achievedPerSec,
                      double durationSeconds, double warmupSeconds, long errors, Map<String, Double> percentilesUs,
                      String histogramUnit, String histogram) {

        public BenchResults.Shape shape() {
            return new BenchResults.Shape(connections, payload, work);
        }

        /** The load as the tables name it: {@code 50 %}. */
        public int loadPercent() {
            return (int) Math.round(loadFraction * 100);
        }
    }

    public static LatencyResults read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    public static LatencyResults parse(String json) {
        JsonNode doc = ReportJson.tree(json);
        if (!doc.isObject() || !doc.path("runs").isArray()) {
            throw new IllegalArgumentException("expected an object with a \"runs\" array (the open-loop latency.json)");
        }
        List<Run> runs = new ArrayList<>();
        for (JsonNode n : doc.get("runs")) {
            Run r = ReportJson.convert(n, Run.class);
            if (r.server() == null) {
                throw new IllegalArgumentException("latency run without a \"server\": " + n);
            }
            runs.add(r);
        }
        Map<String, Object> machine = doc.path("machine").isObject()
                ? ReportJson.MAPPER.convertValue(doc.get("machine"), LinkedHashMap.class) : Map.of();
        return new LatencyResults(machine, List.copyOf(runs));
    }

    /** A run's latency distribution, decoded once. */
    public static final class Distribution {
        private final Histogram histogram;     // null when the run has none: only its percentilesUs are known
        private final double unitToMs;
        private final Run run;

        public Distribution(Run run) {
            this.run = run;
            this.histogram = decode(run);
            this.unitToMs = toMillis(run.histogramUnit());
        }

        public boolean hasHistogram() {
            return histogram != null && histogram.getTotalCount() > 0;
        }

        public long count() {
            return histogram == null ? 0 : histogram.getTotalCount();
        }

        /**
         * Latency at fraction {@code p} in ms, with the 99.9 % sampling interval of that order
         * statistic (the value at {@code p -/+ z sqrt(p(1-p)/n)}). NOTE: it is the uncertainty of
         * the percentile within this one run, not the variation from run to run.
         */
        public Figure at(double p) {
            if (!hasHistogram()) {
                Double us = run.percentilesUs() == null ? null : run.percentilesUs().get(key(p));
                return us == null ? Figure.MISSING : Figure.exact(us / 1000);
            }
            long n = histogram.getTotalCount();
            double se = Math.sqrt(p * (1 - p) / n);
            double lo = Math.max(0, p - Z_999 * se);
            double hi = Math.min(1, p + Z_999 * se);
            return new Figure(ms(p), ms(lo), ms(hi));
        }

        public double maxMs() {
            if (hasHistogram()) {
                return histogram.getMaxValue() * unitToMs;
            }
            Double us = run.percentilesUs() == null ? null : run.percentilesUs().get("max");
            return us == null ? Double.NaN : us / 1000;
        }

        private double ms(double p) {
            return histogram.getValueAtPercentile(p * 100) * unitToMs;
        }

        private static Histogram decode(Run run) {
            if (run.histogram() == null || run.histogram().isBlank()) {
                return null;
            }
            try {
                byte[] bytes = Base64.getDecoder().decode(run.histogram().trim());
                return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
            } catch (IllegalArgumentException | DataFormatException e) {
                throw new IllegalArgumentException("latency run of " + run.server() + ": \"histogram\" is not HdrHistogram's "
                        + "compressed encoding in base64: " + e.getMessage(), e);
            }
        }

        private static double toMillis(String unit) {
            String u = unit == null ? "ns" : unit;
            return switch (u) {
                case "ns" -> 1.0 / TimeUnit.MILLISECONDS.toNanos(1);
                case "us" -> 1.0 / 1000;
                case "ms" -> 1.0;
                default -> throw new IllegalArgumentException("latency \"histogramUnit\" must be ns, us or ms, not " + u);
            };
        }
    }

    /** The key of {@code percentilesUs} for fraction {@code p}: 0.5 -> "50", 0.999 -> "99.9". */
    static String key(double p) {
        String s = String.valueOf(Math.round(p * 1_000_000) / 10_000.0);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
