package dev.reactorworkbench.comparisonbench.report;

import dev.reactorworkbench.comparisonbench.jmh.Servers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The results of one run, read back from JSON: either JMH's own {@code -rf json} array, or the file
 * {@code ./workbench compare} writes ({@code {"machine": ..., "settings": ..., "jmh": [JMH's array]}}),
 * which also says what machine the numbers come from.
 *
 * @param machine  the machine description, empty when the file is JMH's bare array
 * @param settings how the run was made (sweep, iterations, thread split), empty when unknown
 * @param rows     one per benchmark: server x connections x payload x work
 */
public record BenchResults(Map<String, Object> machine, Map<String, Object> settings, List<Row> rows) {

    /**
     * One server under one load.
     *
     * @param msgsPerSec    JMH's primary score: checked replies per second
     * @param msgsError     JMH's 99.9% error of it, NaN when it has too few iterations
     * @param msgsMin       the lowest measured iteration's msgs/s (NaN when JMH's raw data is absent)
     * @param msgsMax       the highest
     * @param p50Us         latency percentiles in microseconds (NaN when not recorded)
     * @param serverThreads platform threads the server ran (0 when not recorded)
     */
    public record Row(String server, int connections, int payload, int work, double msgsPerSec, double msgsError,
                      double msgsMin, double msgsMax, double p50Us, double p90Us, double p99Us, double p999Us, double maxUs,
                      int serverThreads, int clientThreads) {

        /** The load this row ran under: rows with the same key are compared. */
        public String loadKey() {
            return connections + "/" + payload + "/" + work;
        }
    }

    public static BenchResults read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    public static BenchResults parse(String json) {
        Object doc = Json.parse(json);
        Map<String, Object> machine = Map.of();
        Map<String, Object> settings = Map.of();
        List<Object> jmh;
        if (doc instanceof List<?> list) {
            jmh = (List<Object>) list;
        } else if (doc instanceof Map<?, ?> map && map.get("jmh") instanceof List<?> list) {
            jmh = (List<Object>) list;
            machine = map.get("machine") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            settings = map.get("settings") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
        } else {
            throw new IllegalArgumentException("expected JMH's JSON array, or an object with a \"jmh\" array");
        }
        List<Row> rows = new ArrayList<>();
        for (Object o : jmh) {
            Map<String, Object> b = (Map<String, Object>) o;
            Map<String, Object> params = (Map<String, Object>) b.getOrDefault("params", Map.of());
            if (!params.containsKey("model")) {
                continue; // some other benchmark
            }
            Map<String, Object> primary = (Map<String, Object>) b.get("primaryMetric");
            Map<String, Object> secondary = (Map<String, Object>) b.getOrDefault("secondaryMetrics", Map.of());
            rows.add(new Row((String) params.get("model"),
                    Integer.parseInt((String) params.get("connections")),
                    Integer.parseInt((String) params.get("payload")),
                    Integer.parseInt((String) params.get("work")),
                    number(primary.get("score")), number(primary.get("scoreError")),
                    rawExtreme(primary, true), rawExtreme(primary, false),
                    score(secondary, "p50"), score(secondary, "p90"), score(secondary, "p99"),
                    score(secondary, "p99.9"), score(secondary, "max"),
                    (int) zeroIfNaN(score(secondary, "server.threads")),
                    (int) zeroIfNaN(score(secondary, "client.threads"))));
        }
        return new BenchResults(machine, settings, rows);
    }

    /** The baseline row for {@code row}'s load, if the run has one. */
    public Optional<Row> baselineFor(Row row) {
        return rows.stream()
                .filter(r -> r.server().equals(Servers.BASELINE) && r.loadKey().equals(row.loadKey()))
                .findFirst();
    }

    /** {@code row}'s throughput divided by netty-nio's under the same load; NaN without a baseline. */
    public double ratioToBaseline(Row row) {
        return baselineFor(row).map(b -> b.msgsPerSec() > 0 ? row.msgsPerSec() / b.msgsPerSec() : Double.NaN)
                .orElse(Double.NaN);
    }

    /** Servers in the order rows should be shown: models by name, then netty-nio, then the other reference servers. */
    public List<String> servers() {
        return rows.stream().map(Row::server).distinct().sorted(SERVER_ORDER).toList();
    }

    /** Models by name, then the baseline, then the other reference servers by name. */
    public static final Comparator<String> SERVER_ORDER = Comparator.comparing(Servers::isReference)
            .thenComparing(s -> !s.equals(Servers.BASELINE))
            .thenComparing(s -> s);

    public List<Integer> connectionCounts() {
        return rows.stream().map(Row::connections).distinct().sorted().toList();
    }

    public List<Integer> payloads() {
        return rows.stream().map(Row::payload).distinct().sorted().toList();
    }

    public List<Integer> works() {
        return rows.stream().map(Row::work).distinct().sorted().toList();
    }

    public Optional<Row> find(String server, int connections, int payload, int work) {
        return rows.stream().filter(r -> r.server().equals(server) && r.connections() == connections
                && r.payload() == payload && r.work() == work).findFirst();
    }

    /** Rows sorted for a table: payload, work, connections, then server order. */
    public List<Row> sortedRows() {
        List<String> order = servers();
        return rows.stream().sorted(Comparator.comparingInt(Row::payload).thenComparingInt(Row::work)
                .thenComparingInt(Row::connections).thenComparingInt(r -> order.indexOf(r.server()))).toList();
    }

    public static Map<String, Object> wrap(Map<String, Object> machine, Map<String, Object> settings, Object jmh) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("machine", machine);
        m.put("settings", settings);
        m.put("jmh", jmh);
        return m;
    }

    /** The smallest (or largest) of JMH's per-iteration scores ({@code rawData}: one list per fork). */
    private static double rawExtreme(Map<String, Object> metric, boolean min) {
        if (!(metric.get("rawData") instanceof List<?> forks)) {
            return Double.NaN;
        }
        double best = Double.NaN;
        for (Object fork : forks) {
            if (fork instanceof List<?> iterations) {
                for (Object v : iterations) {
                    double d = number(v);
                    if (!Double.isNaN(d) && (Double.isNaN(best) || (min ? d < best : d > best))) {
                        best = d;
                    }
                }
            }
        }
        return best;
    }

    private static double score(Map<String, Object> secondary, String name) {
        Object metric = secondary.get(name);
        if (metric instanceof Map<?, ?> m) {
            return number(m.get("score"));
        }
        return Double.NaN;
    }

    private static double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s); // JMH writes "NaN" as a string
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    private static double zeroIfNaN(double d) {
        return Double.isNaN(d) ? 0 : d;
    }
}
