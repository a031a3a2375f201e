package dev.reactorworkbench.comparisonbench.load;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every figure of one {@code ./workbench load} run, for a program to read: {@code --json} writes it
 * as one JSON object (Jackson, field names in snake_case), {@code --csv} as a header and one row.
 * Latencies are in microseconds (fields ending in {@code _us}); rates per second.
 *
 * @param loop            {@code closed} or {@code open}
 * @param rate            offered msgs/s of the open loop; 0 for the closed loop
 * @param measuredSeconds the measured time (shorter than {@code durationSeconds} when
 *                        {@code --max-requests} ended the run early)
 * @param percentiles     the latency at each of {@link #PERCENTILES}, in that order
 * @param ok              true when every reply came back intact; false means the figures
 *                        describe a failed run and must not be reported as a result
 */
@JsonPropertyOrder(alphabetic = false)
public record LoadFigures(String host, int port, String loop, int connections, int depth, int payloadBytes,
                          long rate, int threads, double warmupSeconds, double durationSeconds,
                          double measuredSeconds, long messages, double msgsPerSecond, double megabytesPerSecond,
                          long requestsSent, long repliesChecked, long latencyCount, double latencyMeanUs,
                          double latencyMinUs, double latencyP50Us, double latencyP90Us, double latencyP99Us,
                          double latencyP999Us, double latencyMaxUs, List<Percentile> percentiles,
                          boolean ok, List<String> errors) {

    /** The percentile list every run reports: the usual ones and the tail up to the maximum. */
    public static final List<Double> PERCENTILES =
            List.of(0.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99, 99.999, 100.0);

    /** One point of the latency distribution: {@code percent} of the measured requests took at most {@code latencyUs}. */
    public record Percentile(double percent, double latencyUs) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public static LoadFigures of(LoadResult r) {
        LoadSpec s = r.spec();
        List<Percentile> percentiles = new ArrayList<>();
        for (double p : PERCENTILES) {
            percentiles.add(new Percentile(p, micros(r.latencyNanos(p))));
        }
        boolean any = r.latency().getTotalCount() > 0;
        return new LoadFigures(s.host(), s.port(), s.openLoop() ? "open" : "closed", s.connections(), s.depth(),
                s.payload(), s.rate(), s.threads(), seconds(s.warmup().toNanos()), seconds(s.duration().toNanos()),
                seconds(r.measured().toNanos()), r.messages(), r.messagesPerSecond(), r.megabytesPerSecond(),
                r.requestsSent(), r.repliesReceived(), r.latency().getTotalCount(),
                any ? r.latency().getMean() / 1e3 : 0, any ? micros(r.latency().getMinValue()) : 0,
                micros(r.p50Nanos()), micros(r.p90Nanos()), micros(r.p99Nanos()), micros(r.p999Nanos()),
                micros(r.maxNanos()), percentiles, r.ok(), r.errors());
    }

    private static double micros(long nanos) {
        return nanos / 1e3;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** One JSON object, indented. */
    public String json() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of numbers and strings always serialises", e);
        }
    }

    /**
     * The same figures as CSV (RFC 4180): a header line, then one row. The percentile list becomes
     * one column per percentile ({@code p99.9_us}); the errors one column joined by {@code "; "}.
     */
    public String csv() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("host", host);
        row.put("port", port);
        row.put("loop", loop);
        row.put("connections", connections);
        row.put("depth", depth);
        row.put("payload_bytes", payloadBytes);
        row.put("rate", rate);
        row.put("threads", threads);
        row.put("warmup_seconds", warmupSeconds);
        row.put("duration_seconds", durationSeconds);
        row.put("measured_seconds", measuredSeconds);
        row.put("messages", messages);
        row.put("msgs_per_second", msgsPerSecond);
        row.put("megabytes_per_second", megabytesPerSecond);
        row.put("requests_sent", requestsSent);
        row.put("replies_checked", repliesChecked);
        row.put("latency_count", latencyCount);
        row.put("latency_mean_us", latencyMeanUs);
        row.put("latency_min_us", latencyMinUs);
        row.put("latency_p50_us", latencyP50Us);
        row.put("latency_p90_us", latencyP90Us);
        row.put("latency_p99_us", latencyP99Us);
        row.put("latency_p999_us", latencyP999Us);
        row.put("latency_max_us", latencyMaxUs);
        for (Percentile p : percentiles) {
            row.put("p" + trim(p.percent()) + "_us", p.latencyUs());
        }
        row.put("ok", ok);
        row.put("errors", String.join("; ", errors));
        String header = row.keySet().stream().map(LoadFigures::csvField).collect(Collectors.joining(","));
        String values = row.values().stream().map(LoadFigures::csvValue).collect(Collectors.joining(","));
        return header + "\n" + values + "\n";
    }

    /** {@code 99.9} stays {@code 99.9}, {@code 50.0} becomes {@code 50}. */
    private static String trim(double percent) {
        return percent == Math.rint(percent) ? Long.toString((long) percent) : Double.toString(percent);
    }

    private static String csvValue(Object value) {
        if (value instanceof Double d) {
            return String.format(Locale.ROOT, "%.3f", d);
        }
        return csvField(String.valueOf(value));
    }

    /** Quotes a field holding a comma, a quote or a line break, doubling its quotes. */
    private static String csvField(String text) {
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
