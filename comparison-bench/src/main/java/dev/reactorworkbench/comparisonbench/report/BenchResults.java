package dev.reactorworkbench.comparisonbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The results of one run, read back from JSON (Jackson): either JMH's own {@code -rf json} array, or
 * the file {@code ./workbench compare} writes ({@code {"machine": ..., "settings": ..., "jmh": [...]}},
 * see {@code contract-results.md}), which also says what machine the numbers come from.
 *
 * <p>Every figure carries an interval ({@link #intervalKind()} says which): JMH's 99.9 % confidence
 * interval when every row has at least 3 forks, else the lowest and highest measured iteration.
 *
 * @param machine  the machine description (with {@code loadGate} and {@code pinning}), empty for JMH's bare array
 * @param settings how the run was made (grid, forks, iterations), empty when unknown
 * @param rows     one per benchmark point: server x threads x connections x payload x work
 */
public record BenchResults(Map<String, Object> machine, Map<String, Object> settings, List<Row> rows) {

    /** The cost metrics every table shows, in this order (names as the benchmark publishes them). */
    public static final List<String> COSTS = List.of("server.cpu.us/msg", "server.reads/msg", "server.writes/msg",
            "server.cs/msg", "client.cpu.us/msg");

    /** JMH's interval needs several forks to mean something across JVMs; below this the range of iterations is shown. */
    public static final int MIN_FORKS_FOR_JMH_INTERVAL = 3;

    /** Which interval every figure of a run carries. */
    public enum IntervalKind {
        JMH_999("JMH's 99.9 % confidence interval (Student's t over every measured iteration of every fork)"),
        ITERATION_RANGE("the lowest and highest measured iteration (fewer than "
                + MIN_FORKS_FOR_JMH_INTERVAL + " forks: JMH's interval would rest on too few JVMs)");

        public final String description;

        IntervalKind(String description) {
            this.description = description;
        }
    }

    /**
     * One server under one load.
     *
     * @param threads       the server's {@code --threads} (0 when the file does not record it)
     * @param forks         JMH forks of this point
     * @param msgsPerSec    checked replies per second, JMH's primary score
     * @param metrics       secondary metrics by name: the costs per message and the closed-loop latency (us)
     * @param serverThreads platform threads the server ran (0 when not recorded)
     */
    public record Row(String server, int threads, int connections, int payload, int work, int depth, int forks,
                      Figure msgsPerSec, Map<String, Figure> metrics, int serverThreads, int clientThreads) {

        public Figure metric(String name) {
            return metrics.getOrDefault(name, Figure.MISSING);
        }

        public Shape shape() {
            return new Shape(connections, payload, work, depth);
        }
    }

    /**
     * The load a row ran under; rows of one shape are compared with each other. {@code depth}:
     * requests in flight per connection (1 in a results file that does not record it).
     */
    public record Shape(int connections, int payload, int work, int depth) implements Comparable<Shape> {

        /** One request in flight per connection. */
        public Shape(int connections, int payload, int work) {
            this(connections, payload, work, 1);
        }

        @Override
        public int compareTo(Shape o) {
            return Comparator.comparingInt(Shape::payload).thenComparingInt(Shape::work).thenComparingInt(Shape::depth)
                    .thenComparingInt(Shape::connections).compare(this, o);
        }

        public String describe() {
            return connections + " connection" + (connections == 1 ? "" : "s") + " x " + payload + " B x work " + work + " µs"
                    + (depth == 1 ? "" : " x " + depth + " pipelined");
        }

        /** The part of a chart's file name and a fact's key: {@code c64-p64-w0}, {@code c64-p64-w0-d16} when pipelined. */
        public String fileKey() {
            return "c" + connections + "-" + chartKey();
        }

        /**
         * What the shapes drawn in one bar chart share (its bars are their connection counts):
         * {@code p64-w0}, {@code p64-w0-d16} when pipelined.
         */
        public String chartKey() {
            return "p" + payload + "-w" + work + (depth == 1 ? "" : "-d" + depth);
        }
    }

    // --- JMH's JSON, as Jackson records -----------------------------------------------------------

    record JmhMetric(double score, double scoreError, double[] scoreConfidence, List<List<Double>> rawData) {
    }

    record JmhResult(String benchmark, int forks, Map<String, String> params, JmhMetric primaryMetric,
                     Map<String, JmhMetric> secondaryMetrics) {
    }

    public static BenchResults read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    public static BenchResults parse(String json) {
        JsonNode doc = ReportJson.tree(json);
        Map<String, Object> machine = Map.of();
        Map<String, Object> settings = Map.of();
        JsonNode jmh;
        if (doc.isArray()) {
            jmh = doc;
        } else if (doc.isObject() && doc.path("jmh").isArray()) {
            jmh = doc.get("jmh");
            machine = doc.path("machine").isObject() ? ReportJson.MAPPER.convertValue(doc.get("machine"), LinkedHashMap.class) : Map.of();
            settings = doc.path("settings").isObject() ? ReportJson.MAPPER.convertValue(doc.get("settings"), LinkedHashMap.class) : Map.of();
        } else {
            throw new IllegalArgumentException("expected JMH's JSON array, or an object with a \"jmh\" array "
                    + "(the results.json that ./workbench compare writes)");
        }
        List<JmhResult> results = new ArrayList<>();
        for (JsonNode n : jmh) {
            results.add(ReportJson.convert(n, JmhResult.class));
        }
        boolean jmhInterval = !results.isEmpty() && results.stream()
                .filter(r -> r.params() != null && r.params().containsKey("model"))
                .allMatch(r -> r.forks() >= MIN_FORKS_FOR_JMH_INTERVAL);
        IntervalKind kind = jmhInterval ? IntervalKind.JMH_999 : IntervalKind.ITERATION_RANGE;
        List<Row> rows = new ArrayList<>();
        for (JmhResult r : results) {
            Map<String, String> params = r.params() == null ? Map.of() : r.params();
            if (!params.containsKey("model") || r.primaryMetric() == null) {
                continue; // some other benchmark
            }
            Map<String, Figure> metrics = new LinkedHashMap<>();
            Map<String, JmhMetric> secondary = r.secondaryMetrics() == null ? Map.of() : r.secondaryMetrics();
            secondary.forEach((name, m) -> metrics.put(name, figure(m, kind)));
            rows.add(new Row(params.get("model"), intParam(params, "threads", 0), intParam(params, "connections", -1),
                    intParam(params, "payload", -1), intParam(params, "work", -1), intParam(params, "depth", 1), r.forks(),
                    figure(r.primaryMetric(), kind), Map.copyOf(metrics),
                    (int) zeroIfNaN(metrics.getOrDefault("server.threads", Figure.MISSING).value()),
                    (int) zeroIfNaN(metrics.getOrDefault("client.threads", Figure.MISSING).value())));
        }
        return new BenchResults(machine, settings, rows);
    }

    /** The interval this run's figures carry (the same rule for every row, so the report can say it once). */
    public IntervalKind intervalKind() {
        return !rows.isEmpty() && rows.stream().allMatch(r -> r.forks() >= MIN_FORKS_FOR_JMH_INTERVAL)
                ? IntervalKind.JMH_999 : IntervalKind.ITERATION_RANGE;
    }

    /** JMH's interval, or the range of the measured iterations; JMH's when it is NaN falls back to the range. */
    private static Figure figure(JmhMetric m, IntervalKind kind) {
        if (m == null) {
            return Figure.MISSING;
        }
        double[] ci = m.scoreConfidence();
        if (kind == IntervalKind.JMH_999 && ci != null && ci.length == 2 && !Double.isNaN(ci[0]) && !Double.isNaN(ci[1])) {
            return new Figure(m.score(), ci[0], ci[1]);
        }
        double min = Double.NaN;
        double max = Double.NaN;
        int n = 0;
        if (m.rawData() != null) {
            for (List<Double> fork : m.rawData()) {
                for (Double v : fork == null ? List.<Double>of() : fork) {
                    if (v != null && !v.isNaN()) {
                        min = Double.isNaN(min) ? v : Math.min(min, v);
                        max = Double.isNaN(max) ? v : Math.max(max, v);
                        n++;
                    }
                }
            }
        }
        // One iteration is one sample: no interval rather than a zero-width one.
        return n >= 2 ? new Figure(m.score(), min, max) : Figure.exact(m.score());
    }

    private static int intParam(Map<String, String> params, String name, int absent) {
        String v = params.get(name);
        if (v == null) {
            return absent;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("JMH param \"" + name + "\" is not a whole number: " + v, e);
        }
    }

    // --- what is compared with what -------------------------------------------------------------

    /** The shapes of the run, in table order. */
    public List<Shape> shapes() {
        return rows.stream().map(Row::shape).distinct().sorted().toList();
    }

    /** The {@code --threads} most rows ran with: rows at another count are labelled with theirs. */
    public int mainThreads() {
        return rows.stream().collect(Collectors.groupingBy(Row::threads, Collectors.counting())).entrySet().stream()
                .max(Map.Entry.<Integer, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElse(0);
    }

    /** How a row is named in tables and legends: the server, plus its thread count when it differs from the run's. */
    public String label(Row row) {
        return row.threads() == mainThreads() ? row.server()
                : row.server() + " (" + row.threads() + " thread" + (row.threads() == 1 ? "" : "s") + ")";
    }

    /** Rows of one shape in server order (twin rows beside their server). */
    public List<Row> rowsOf(Shape shape) {
        return rows.stream().filter(r -> r.shape().equals(shape)).sorted(ROW_ORDER).toList();
    }

    /** netty-nio under the same load with the same {@code --threads}, else the one at the run's main thread count. */
    public Optional<Row> baselineFor(Row row) {
        Optional<Row> same = find(Servers.BASELINE, row.threads(), row.shape());
        return same.isPresent() ? same : find(Servers.BASELINE, mainThreads(), row.shape());
    }

    /** {@code row}'s throughput over netty-nio's under the same load, with its interval; MISSING without netty-nio. */
    public Figure ratioToBaseline(Row row) {
        return baselineFor(row).map(b -> row.msgsPerSec().dividedBy(b.msgsPerSec())).orElse(Figure.MISSING);
    }

    /**
     * The Netty server built the same way as {@code server} (the contract's twins): one event loop
     * for the single reactor, N event loops for the multi-reactors, an executor group for the worker pool.
     */
    public static Optional<String> twinServer(String server) {
        return switch (server) {
            case "single-thread-reactor", "multi-reactor", "multi-reactor-reuseport" -> Optional.of("netty-nio");
            case "reactor-threadpool" -> Optional.of("netty-nio-executor");
            default -> Optional.empty();
        };
    }

    /** The twin row under the same load: netty-nio at 1 thread for the single reactor, else at the same threads. */
    public Optional<Row> twinFor(Row row) {
        int threads = row.server().equals("single-thread-reactor") ? 1 : row.threads();
        return twinServer(row.server()).flatMap(t -> find(t, threads, row.shape()));
    }

    public Figure ratioToTwin(Row row) {
        return twinFor(row).map(t -> row.msgsPerSec().dividedBy(t.msgsPerSec())).orElse(Figure.MISSING);
    }

    public Optional<Row> find(String server, int threads, Shape shape) {
        return rows.stream().filter(r -> r.server().equals(server) && r.threads() == threads && r.shape().equals(shape))
                .findFirst();
    }

    /** The row of {@code server} at this shape (at the run's main thread count when it ran at several). */
    public Optional<Row> find(String server, Shape shape) {
        Optional<Row> main = find(server, mainThreads(), shape);
        return main.isPresent() ? main : rows.stream().filter(r -> r.server().equals(server) && r.shape().equals(shape)).findFirst();
    }

    /** The same point in an earlier run: same server, shape and threads (or an earlier run that did not record threads). */
    public Optional<Row> sameRowIn(BenchResults earlier, Row row) {
        return earlier.rows().stream().filter(r -> r.server().equals(row.server()) && r.shape().equals(row.shape())
                        && (r.threads() == row.threads() || r.threads() == 0 || row.threads() == 0))
                .min(Comparator.comparingInt(r -> r.threads() == row.threads() ? 0 : 1));
    }

    /**
     * The noise the run had: the median, over every row, of the msgs/s interval's half-width
     * relative to the score. NaN when no row has an interval.
     */
    public double medianRelativeHalfWidth(Function<Row, Figure> figure) {
        double[] widths = rows.stream().map(figure).mapToDouble(Figure::relativeHalfWidth).filter(d -> !Double.isNaN(d))
                .sorted().toArray();
        if (widths.length == 0) {
            return Double.NaN;
        }
        int mid = widths.length / 2;
        return widths.length % 2 == 1 ? widths[mid] : (widths[mid - 1] + widths[mid]) / 2;
    }

    /** Servers in the order rows should be shown: models by name, then netty-nio, then the other reference servers. */
    public List<String> servers() {
        return rows.stream().map(Row::server).distinct().sorted(SERVER_ORDER).toList();
    }

    /** Models by name, then the baseline, then the other reference servers by name. */
    public static final Comparator<String> SERVER_ORDER = Comparator.comparing(Servers::isReference)
            .thenComparing(s -> !s.equals(Servers.BASELINE))
            .thenComparing(s -> s);

    private static final Comparator<Row> ROW_ORDER = Comparator.comparing(Row::server, SERVER_ORDER)
            .thenComparing(Comparator.comparingInt(Row::threads).reversed());

    public List<Integer> connectionCounts() {
        return rows.stream().map(Row::connections).distinct().sorted().toList();
    }

    /** The results file {@code compare} writes: the machine and settings around JMH's own array, as JMH wrote it. */
    public static ObjectNode wrap(Map<String, Object> machine, Map<String, Object> settings, JsonNode jmh) {
        ObjectNode doc = ReportJson.MAPPER.createObjectNode();
        doc.set("machine", ReportJson.MAPPER.valueToTree(machine));
        doc.set("settings", ReportJson.MAPPER.valueToTree(settings));
        doc.set("jmh", jmh);
        return doc;
    }

    private static double zeroIfNaN(double d) {
        return Double.isNaN(d) ? 0 : d;
    }
}
