package dev.reactorworkbench.comparisonbench.report;

import dev.reactorworkbench.comparisonbench.jmh.Servers;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a run's results into a report: {@code report.md}, {@code index.html} and {@code charts/*.svg}.
 * <ol>
 *   <li>The report is written once, in Markdown ({@link #markdown}); {@code index.html} is that same
 *       text rendered by commonmark into a page, so the two hold the same tables.</li>
 *   <li>Every figure carries its interval ({@link BenchResults#intervalKind()}); the noise the run had
 *       is computed and stated, and a difference is called real only when the two intervals are apart.</li>
 *   <li>Charts ({@link SvgChart}), named so the docs can embed them:
 *     <ul>
 *       <li>{@code throughput-p{payload}-w{work}.svg}: msgs/s by connections, a bar per server, error bars
 *           ({@code -d{depth}} added for a pipelined load);</li>
 *       <li>{@code cpu-p{payload}-w{work}.svg}: the server's CPU per message by connections (the same);</li>
 *       <li>{@code latency-open-c{connections}-p{payload}-w{work}-load{50|90}.svg}: open-loop latency spectra;</li>
 *       <li>{@code memory.svg}: heap and RSS per idle connection (log scale);</li>
 *       <li>{@code highlight/{model}/...}: the throughput, CPU and spectrum charts again with that model
 *           drawn strong and the others faded, for the model's own chapter of the docs.</li>
 *     </ul>
 *     A server has the same colour in every chart.</li>
 * </ol>
 */
public final class ReportBuilder {

    private static final List<Extension> MARKDOWN = List.of(TablesExtension.create());

    private final BenchResults results;
    private final MemoryResults memory;       // null without a memory file
    private final LatencyResults latency;     // null without a latency file
    private final BenchResults baseline;      // null without --baseline
    private final String baselineName;
    private final List<String> everyLabel;    // every series of every chart: its index is its colour

    public ReportBuilder(BenchResults results, MemoryResults memory) {
        this(results, memory, null, null, null);
    }

    /**
     * @param baselineName how the earlier run is named in the report (its file), null without one
     */
    public ReportBuilder(BenchResults results, MemoryResults memory, LatencyResults latency, BenchResults baseline,
                         String baselineName) {
        this.results = results;
        this.memory = memory;
        this.latency = latency;
        this.baseline = baseline;
        this.baselineName = baselineName;
        List<String> labels = new ArrayList<>();
        results.servers().forEach(labels::add);
        if (latency != null) {
            latency.runs().forEach(r -> labels.add(r.server()));
        }
        if (memory != null) {
            memory.rows().forEach(r -> labels.add(r.server()));
        }
        List<String> servers = labels.stream().distinct().sorted(BenchResults.SERVER_ORDER).toList();
        // Twin rows at another thread count (netty-nio (1 thread)) right after their server.
        List<String> all = new ArrayList<>();
        for (String s : servers) {
            all.add(s);
            results.rows().stream().filter(r -> r.server().equals(s)).map(results::label).filter(l -> !l.equals(s))
                    .distinct().sorted().forEach(all::add);
        }
        this.everyLabel = List.copyOf(all);
    }

    /** Writes the report into {@code dir} and returns the files written: index.html, report.md, the charts, facts.adoc. */
    public List<Path> write(Path dir) throws IOException {
        Path charts = dir.resolve("charts");
        Files.createDirectories(charts);
        List<Path> written = new ArrayList<>();
        Path index = dir.resolve("index.html");
        Path md = dir.resolve("report.md");
        written.add(index);
        written.add(md);
        Map<String, SvgChart> all = charts();
        for (Map.Entry<String, SvgChart> e : all.entrySet()) {
            written.add(e.getValue().write(charts.resolve(e.getKey() + ".svg")));
        }
        for (String model : results.servers().stream().filter(s -> !Servers.isReference(s)).toList()) {
            for (Map.Entry<String, SvgChart> e : all.entrySet()) {
                if (!e.getKey().equals("memory") && e.getValue().seriesNames().contains(model)) {
                    written.add(e.getValue().highlight(model).write(charts.resolve("highlight").resolve(model).resolve(e.getKey() + ".svg")));
                }
            }
        }
        String markdown = markdown(all.keySet().stream().map(k -> "charts/" + k + ".svg").toList());
        Files.writeString(md, markdown);
        Files.writeString(index, html(markdown));
        // The figures as AsciiDoc attributes, for the docs to quote by name (see DocsFacts).
        Path facts = dir.resolve("facts.adoc");
        Files.writeString(facts, facts(DocsFacts.prefixFor(dir.toAbsolutePath().normalize().getFileName().toString())).asciidoc());
        written.add(facts);
        return written;
    }

    /** This report's figures as AsciiDoc attributes named {@code prefix-...}. */
    public DocsFacts facts(String prefix) {
        return new DocsFacts(prefix, results, latency, memory);
    }

    // --- charts ------------------------------------------------------------------------------------

    /** Every chart of the report by file name (without .svg), in the order the report shows them. */
    Map<String, SvgChart> charts() {
        Map<String, SvgChart> charts = new LinkedHashMap<>();
        String interval = "error bars: " + shortInterval();
        for (String key : results.shapes().stream().map(BenchResults.Shape::chartKey).distinct().toList()) {
            List<BenchResults.Shape> shapes = results.shapes().stream().filter(s -> s.chartKey().equals(key)).toList();
            List<String> categories = shapes.stream().map(s -> s.connections() + " conn" + (s.connections() == 1 ? "" : "s")).toList();
            BenchResults.Shape first = shapes.getFirst();
            String what = "payload " + first.payload() + " B, work " + first.work() + " µs"
                    + (first.depth() == 1 ? "" : ", " + first.depth() + " pipelined");
            charts.put("throughput-" + key, SvgChart.bars("Throughput, " + what,
                    "closed loop, checked replies per second; " + interval, "connections", "msgs/s", false, categories,
                    barSeries(shapes, BenchResults.Row::msgsPerSec)));
            List<SvgChart.Series> cpu = barSeries(shapes, r -> r.metric("server.cpu.us/msg"));
            if (cpu.stream().anyMatch(s -> s.values().stream().anyMatch(Figure::present))) {
                charts.put("cpu-" + key, SvgChart.bars("Server CPU per message, " + what,
                        "user + system CPU of the server process over checked replies (lower is better); " + interval,
                        "connections", "CPU µs per message", false, categories, cpu));
            }
        }
        if (latency != null) {
            for (LatencyGroup g : latencyGroups()) {
                List<SvgChart.Line> lines = new ArrayList<>();
                for (LatencyResults.Run run : g.runs()) {
                    LatencyResults.Distribution d = new LatencyResults.Distribution(run);
                    List<double[]> points = new ArrayList<>();
                    List<double[]> marks = new ArrayList<>();
                    if (d.hasHistogram()) {
                        for (int i = 0; i <= 90; i++) {
                            double u = Math.log10(2) + (4 - Math.log10(2)) * i / 90;
                            double p = 1 - Math.pow(10, -u);
                            points.add(new double[]{p, d.at(p).value()});
                        }
                    }
                    for (double p : LatencyResults.TABLE_PERCENTILES) {
                        Figure f = d.at(p);
                        if (f.present()) {
                            if (!d.hasHistogram()) {
                                points.add(new double[]{p, f.value()});
                            }
                            marks.add(new double[]{p, f.value(), f.low(), f.high()});
                        }
                    }
                    lines.add(new SvgChart.Line(run.server(), colour(run.server()), points, marks));
                }
                charts.put("latency-open-" + g.shape().fileKey() + "-load" + g.percent(), SvgChart.spectrum(
                        "Latency at " + g.percent() + " % load, " + g.shape().describe(),
                        String.format(Locale.ROOT, "open loop at %,.0f msgs/s offered to every server; error bars: 99.9 %% "
                                + "sampling interval of p50/p99/p99.9/p99.99", g.offered()), lines));
            }
        }
        if (memory != null && !memory.rows().isEmpty()) {
            List<Integer> counts = memory.rows().stream().map(MemoryResults.Row::connections).distinct().sorted().toList();
            List<String> categories = new ArrayList<>();
            counts.forEach(n -> {
                categories.add(String.format(Locale.ROOT, "heap, %,d conns", n));
                categories.add(String.format(Locale.ROOT, "RSS, %,d conns", n));
            });
            List<SvgChart.Series> series = new ArrayList<>();
            for (String server : everyLabel) {
                List<Figure> values = new ArrayList<>();
                boolean any = false;
                for (int n : counts) {
                    Optional<MemoryResults.Row> r = memory.rows().stream()
                            .filter(m -> m.server().equals(server) && m.connections() == n).findFirst();
                    any |= r.isPresent();
                    values.add(r.map(m -> Figure.exact(m.heapPerConnectionBytes() / 1024)).orElse(Figure.MISSING));
                    values.add(r.map(m -> Figure.exact(m.rssPerConnectionBytes() / 1024)).orElse(Figure.MISSING));
                }
                if (any) {
                    series.add(new SvgChart.Series(server, colour(server), values));
                }
            }
            charts.put("memory", SvgChart.bars("Memory per idle connection",
                    "one measurement per server and count (no interval); values at or below 0 have no bar (see the table)",
                    "", "KiB per connection (log scale)", true, categories, series));
        }
        return charts;
    }

    /** One bar series per label that has a row at one of {@code shapes}. */
    private List<SvgChart.Series> barSeries(List<BenchResults.Shape> shapes, Function<BenchResults.Row, Figure> figure) {
        List<SvgChart.Series> series = new ArrayList<>();
        for (String label : everyLabel) {
            List<Figure> values = new ArrayList<>();
            for (BenchResults.Shape s : shapes) {
                values.add(results.rowsOf(s).stream().filter(r -> results.label(r).equals(label)).findFirst()
                        .map(figure).orElse(Figure.MISSING));
            }
            if (values.stream().anyMatch(Figure::present)) {
                series.add(new SvgChart.Series(label, colour(label), values));
            }
        }
        return series;
    }

    private int colour(String label) {
        return Math.max(0, everyLabel.indexOf(label));
    }

    /** The open-loop runs of one shape at one load fraction, in server order. */
    record LatencyGroup(BenchResults.Shape shape, int percent, double offered, List<LatencyResults.Run> runs) {
    }

    List<LatencyGroup> latencyGroups() {
        if (latency == null) {
            return List.of();
        }
        Map<String, List<LatencyResults.Run>> byKey = new LinkedHashMap<>();
        latency.runs().stream()
                .sorted(java.util.Comparator.comparing(LatencyResults.Run::shape).thenComparingInt(LatencyResults.Run::loadPercent)
                        .thenComparing(LatencyResults.Run::server, BenchResults.SERVER_ORDER))
                .forEach(r -> byKey.computeIfAbsent(r.shape().fileKey() + "/" + r.loadPercent(), k -> new ArrayList<>()).add(r));
        return byKey.values().stream().map(runs -> new LatencyGroup(runs.getFirst().shape(), runs.getFirst().loadPercent(),
                runs.getFirst().offeredPerSec(), List.copyOf(runs))).toList();
    }

    // --- the report, in Markdown --------------------------------------------------------------------

    /** The noise of the run: the median relative half-width of every msgs/s interval (NaN without intervals). */
    public double noise() {
        return results.medianRelativeHalfWidth(BenchResults.Row::msgsPerSec);
    }

    /**
     * The comparison tables, one per shape (closed loop): throughput, the ratios to the twin and to
     * netty-nio, the costs per message and the closed-loop latency, each with its interval. This is
     * what {@code compare} and {@code report} print.
     */
    public String tables() {
        StringBuilder b = new StringBuilder();
        for (BenchResults.Shape shape : results.shapes()) {
            b.append("\n### ").append(shape.describe()).append("\n\n").append(shapeTable(shape).markdown());
        }
        return b.toString();
    }

    MarkdownTable shapeTable(BenchResults.Shape shape) {
        List<String> columns = new ArrayList<>(List.of("server", ">threads", ">msgs/s", "twin", ">vs twin", ">vs netty-nio"));
        BenchResults.COSTS.forEach(c -> columns.add(">" + c));
        columns.addAll(List.of(">p50 (closed loop)", ">p99 (closed loop)"));
        if (baseline != null) {
            columns.add(">vs baseline");
        }
        MarkdownTable t = new MarkdownTable(columns);
        for (BenchResults.Row r : results.rowsOf(shape)) {
            List<String> cells = new ArrayList<>();
            cells.add(results.label(r));
            cells.add(r.threads() > 0 ? String.valueOf(r.threads()) : r.serverThreads() > 0 ? r.serverThreads() + " (ran)" : "?");
            cells.add(r.msgsPerSec().format(Figure.Format.RATE));
            Optional<BenchResults.Row> twin = results.twinFor(r);
            cells.add(twin.map(results::label).orElse(BenchResults.twinServer(r.server()).map(s -> s + " (not run)").orElse("–")));
            cells.add(ratio(results.ratioToTwin(r)));
            cells.add(r.server().equals(Servers.BASELINE) && r.threads() == results.mainThreads() ? "1.00x (itself)"
                    : ratio(results.ratioToBaseline(r)));
            BenchResults.COSTS.forEach(c -> cells.add(r.metric(c).format(Figure.Format.COST)));
            cells.add(r.metric("p50").format(ReportBuilder::micros));
            cells.add(r.metric("p99").format(ReportBuilder::micros));
            if (baseline != null) {
                cells.add(results.sameRowIn(baseline, r).map(old -> ratio(r.msgsPerSec().dividedBy(old.msgsPerSec())))
                        .orElse("not in baseline"));
            }
            t.row(cells);
        }
        return t;
    }

    /** A ratio with its interval and whether the interval excludes 1: {@code 1.24x [1.10x–1.40x] real}. */
    static String ratio(Figure ratio) {
        if (!ratio.present()) {
            return "–";
        }
        return ratio.format(Figure.Format.RATIO) + (ratio.hasInterval() ? ratio.excludesOne() ? " **real**" : " (within noise)" : "");
    }

    /** Per shape: which servers are apart from which (msgs/s intervals that do not overlap). */
    MarkdownTable distinguishable(BenchResults.Shape shape) {
        MarkdownTable t = new MarkdownTable(List.of("server", ">msgs/s", "faster than (intervals apart)",
                "slower than (intervals apart)", "not distinguishable from"));
        List<BenchResults.Row> rows = results.rowsOf(shape);
        for (BenchResults.Row r : rows) {
            List<String> faster = new ArrayList<>();
            List<String> slower = new ArrayList<>();
            List<String> same = new ArrayList<>();
            for (BenchResults.Row o : rows) {
                if (o == r) {
                    continue;
                }
                String name = results.label(o);
                if (!r.msgsPerSec().distinctFrom(o.msgsPerSec())) {
                    same.add(name);
                } else if (r.msgsPerSec().value() > o.msgsPerSec().value()) {
                    faster.add(name);
                } else {
                    slower.add(name);
                }
            }
            t.row(List.of(results.label(r), r.msgsPerSec().format(Figure.Format.RATE), list(faster), list(slower), list(same)));
        }
        return t;
    }

    private static String list(List<String> names) {
        return names.isEmpty() ? "–" : String.join(", ", names);
    }

    /** The open-loop table of one shape and load: offered vs achieved, the tail percentiles, errors. */
    MarkdownTable latencyTable(LatencyGroup g) {
        MarkdownTable t = new MarkdownTable(List.of("server", ">threads", ">offered msgs/s", ">achieved msgs/s", ">p50", ">p99",
                ">p99.9", ">p99.99", ">max", ">errors", ">samples"));
        for (LatencyResults.Run run : g.runs()) {
            LatencyResults.Distribution d = new LatencyResults.Distribution(run);
            List<String> cells = new ArrayList<>(List.of(run.server(), String.valueOf(run.threads()),
                    Figure.Format.RATE.apply(run.offeredPerSec()),
                    Figure.Format.RATE.apply(run.achievedPerSec()) + (run.achievedPerSec() < run.offeredPerSec() * 0.99
                            ? " **behind**" : "")));
            for (double p : LatencyResults.TABLE_PERCENTILES) {
                cells.add(d.at(p).format(ms -> micros(ms * 1000)));
            }
            cells.add(micros(d.maxMs() * 1000));
            cells.add(run.errors() > 0 ? "**" + run.errors() + " FAILED**" : "0");
            cells.add(d.hasHistogram() ? String.format(Locale.ROOT, "%,d", d.count()) : "no histogram");
            t.row(cells);
        }
        return t;
    }

    MarkdownTable memoryTable() {
        MarkdownTable t = new MarkdownTable(List.of("server", ">idle connections", ">heap per connection",
                ">RSS per connection", ">threads before", ">threads with the connections"));
        if (memory != null) {
            for (MemoryResults.Row r : memory.rows()) {
                t.row(List.of(r.server(), String.format(Locale.ROOT, "%,d", r.connections()), bytes(r.heapPerConnectionBytes()),
                        bytes(r.rssPerConnectionBytes()), String.valueOf(r.threadsBefore()), String.valueOf(r.threadsAfter())));
            }
        }
        return t;
    }

    /** The memory table in Markdown, or an empty string without memory results. */
    public String memoryMarkdown() {
        MarkdownTable t = memoryTable();
        return t.isEmpty() ? "" : t.markdown();
    }

    String markdown() {
        return markdown(List.of());
    }

    /** The whole report in Markdown; {@code charts} (paths relative to the report) are embedded where they belong. */
    String markdown(List<String> charts) {
        StringBuilder b = new StringBuilder("# Reactor Workbench: benchmark results\n\n");
        Map<String, Object> machine = machine();
        Map<?, ?> gate = machine.get("loadGate") instanceof Map<?, ?> g ? g : Map.of();
        // 1. A run made past the load gate says so before anything else.
        if (Boolean.TRUE.equals(gate.get("forced"))) {
            b.append("> **This run is not clean.** It was started with `--force` although the machine's 1-minute load "
                    + "average was ").append(display(gate.get("loadAtStart"))).append(" (gate: ").append(display(gate.get("threshold")))
                    .append(" on ").append(display(gate.get("cores"))).append(" cores). Other work may have shared the CPU, so "
                    + "its figures and intervals are not evidence: draw no conclusion from this run.\n\n");
        }
        // 2. How the run was made.
        b.append("## The run\n\n").append(runStatement(machine, gate)).append('\n');
        // 3. Its noise, and which differences exceed it.
        b.append("## Noise: which differences are real\n\n").append(noiseStatement()).append('\n');
        for (BenchResults.Shape shape : results.shapes()) {
            b.append("\n### ").append(shape.describe()).append(" (distinguishable)\n\n").append(distinguishable(shape).markdown());
        }
        // 4. The comparison tables and their charts.
        b.append("\n## Throughput and cost per message (closed loop)\n\n").append(columnsStatement()).append('\n');
        b.append(tables());
        b.append('\n');
        charts.stream().filter(c -> c.startsWith("charts/throughput") || c.startsWith("charts/cpu"))
                .forEach(c -> b.append(image(c)));
        // 5. Open-loop latency.
        b.append("\n## Latency at fixed offered loads (open loop)\n\n");
        if (latency == null || latency.runs().isEmpty()) {
            b.append("No open-loop runs in this report (no latency.json): the only latency figures are the closed-loop "
                    + "p50/p99 above, which at many connections mostly restate throughput (Little's law).\n");
        } else {
            b.append("Every server is offered the same rate: a fraction of netty-nio's closed-loop capacity at that shape. "
                    + "Latency counts from each request's intended send time, so a stall cannot hide (no coordinated "
                    + "omission). Each run is one measurement: the interval of a percentile is its 99.9 % sampling interval "
                    + "within the run (from the number of samples), not the variation between runs. **behind**: the server "
                    + "achieved less than 99 % of the offered rate. Errors are failed checks; a run with errors is shown, "
                    + "never dropped.\n");
            for (LatencyGroup g : latencyGroups()) {
                LatencyResults.Run first = g.runs().getFirst();
                b.append("\n### ").append(g.shape().describe()).append(", ").append(g.percent()).append(" % load\n\n")
                        .append(String.format(Locale.ROOT, "Offered: %,.0f msgs/s (%d %% of %s's %,.0f msgs/s); %s s measured "
                                        + "after %s s of warm-up.%n%n", g.offered(), g.percent(), first.capacityServer(),
                                first.capacityMsgsPerSec(), display(first.durationSeconds()), display(first.warmupSeconds())))
                        .append(latencyTable(g).markdown()).append('\n');
                String chart = "charts/latency-open-" + g.shape().fileKey() + "-load" + g.percent() + ".svg";
                if (charts.contains(chart)) {
                    b.append(image(chart));
                }
            }
        }
        // 6. Memory.
        if (memory != null && !memory.rows().isEmpty()) {
            b.append("\n## Memory per idle connection\n\n")
                    .append("Heap after GC and RSS of the server's own process, with N idle connections minus without, divided "
                            + "by N; the connections are held by a separate client process. One measurement per server and "
                            + "count: no interval.\n\n")
                    .append(memoryTable().markdown()).append('\n');
            charts.stream().filter(c -> c.equals("charts/memory.svg")).forEach(c -> b.append(image(c)));
        }
        // 7. The machine and every setting, as recorded.
        b.append("\n## Machine\n\n");
        if (machine.isEmpty()) {
            b.append("Machine: not recorded (the results file is JMH's bare JSON).\n");
        } else {
            MarkdownTable t = new MarkdownTable(List.of("machine", "value"));
            machine.forEach((k, v) -> t.row(List.of(k, display(v))));
            b.append(t.markdown());
        }
        if (!results.settings().isEmpty()) {
            b.append("\n## Run settings\n\n");
            MarkdownTable t = new MarkdownTable(List.of("setting", "value"));
            results.settings().forEach((k, v) -> t.row(List.of(k, display(v))));
            b.append(t.markdown());
        }
        if (charts.stream().anyMatch(c -> c.startsWith("charts/"))) {
            b.append("\nEvery model's throughput, CPU and latency charts also exist with that model highlighted: "
                    + "`charts/highlight/MODEL/NAME.svg`. In every chart each server is a group with the CSS classes "
                    + "`series s-NAME`, for a page that inlines the SVG.\n");
        }
        return b.toString();
    }

    private Map<String, Object> machine() {
        if (!results.machine().isEmpty()) {
            return results.machine();
        }
        if (latency != null && !latency.machine().isEmpty()) {
            return latency.machine();
        }
        return memory != null ? memory.machine() : Map.of();
    }

    private String runStatement(Map<String, Object> machine, Map<?, ?> gate) {
        StringBuilder b = new StringBuilder();
        List<BenchResults.Shape> shapes = results.shapes();
        b.append("- **Grid**: ").append(shapes.size()).append(" shape").append(shapes.size() == 1 ? "" : "s").append(" (")
                .append(String.join("; ", shapes.stream().map(BenchResults.Shape::describe).toList())).append(") x ")
                .append(results.servers().size()).append(" servers, ").append(results.rows().size()).append(" rows; ")
                .append(results.mainThreads() > 0 ? "servers run with `--threads " + results.mainThreads() + "`"
                        : "the servers' --threads not recorded (the threads column shows the platform threads each ran)")
                .append(results.rows().stream().anyMatch(r -> r.threads() != results.mainThreads())
                        ? " (twin rows at other counts are labelled with theirs)" : "").append(".\n");
        int minForks = results.rows().stream().mapToInt(BenchResults.Row::forks).min().orElse(0);
        int maxForks = results.rows().stream().mapToInt(BenchResults.Row::forks).max().orElse(0);
        b.append("- **Forks**: ").append(minForks == maxForks ? String.valueOf(minForks) : minForks + "–" + maxForks)
                .append(" per point").append(minForks < BenchResults.MIN_FORKS_FOR_JMH_INTERVAL ? " (fewer than "
                        + BenchResults.MIN_FORKS_FOR_JMH_INTERVAL + ": a quick or old run)" : "").append(".\n");
        Map<String, Object> s = results.settings();
        if (s.containsKey("warmup") || s.containsKey("measurement")) {
            b.append("- **Iterations**: warm-up ").append(display(s.getOrDefault("warmup", "?"))).append(", measured ")
                    .append(display(s.getOrDefault("measurement", "?"))).append(s.containsKey("mode") ? "; mode " + display(s.get("mode")) : "")
                    .append(".\n");
        } else if (s.containsKey("iterations")) {
            b.append("- **Iterations**: ").append(display(s.get("iterations"))).append(".\n");
        } else {
            b.append("- **Iterations**: not recorded.\n");
        }
        b.append("- **Pinning**: ").append(machine.containsKey("pinning") ? display(machine.get("pinning"))
                : "not recorded (the run predates --server-cpus / --client-cpus)").append(".\n");
        if (gate.isEmpty()) {
            b.append("- **Load gate**: not recorded (the run predates the quiet-machine gate).\n");
        } else {
            b.append("- **Load gate**: 1-minute load average ").append(display(gate.get("loadAtStart"))).append(" at the start, ")
                    .append("threshold ").append(display(gate.get("threshold"))).append(" on ").append(display(gate.get("cores")))
                    .append(" cores: ").append(Boolean.TRUE.equals(gate.get("forced")) ? "**forced past the gate (not clean)**" : "passed")
                    .append(".\n");
        }
        if (machine.containsKey("loadAverageDuringBenchmark")) {
            b.append("- **Load during the run**: ").append(display(machine.get("loadAverageDuringBenchmark"))).append(".\n");
        }
        b.append("- **Intervals**: every figure is shown as `value [low–high]`: ").append(results.intervalKind().description)
                .append(".\n");
        return b.toString();
    }

    private String noiseStatement() {
        double noise = noise();
        double cpu = results.medianRelativeHalfWidth(r -> r.metric("server.cpu.us/msg"));
        StringBuilder b = new StringBuilder();
        if (Double.isNaN(noise)) {
            b.append("No row has an interval, so no difference in this run can be told from noise.\n");
        } else {
            b.append(String.format(Locale.ROOT, "The noise this run had: the median half-width of the msgs/s intervals is "
                    + "**%.1f %%** of the score (over %d rows; goal: 10 %% or less)", noise * 100, results.rows().size()));
            if (!Double.isNaN(cpu)) {
                b.append(String.format(Locale.ROOT, "; of `server.cpu.us/msg`, **%.1f %%**", cpu * 100));
            }
            b.append(".\n\nA difference is taken as real only when the two intervals do not overlap; a ratio is marked "
                    + "**real** exactly when its interval (the widest the two intervals allow: low/high to high/low) "
                    + "excludes 1. The docs use only differences marked real. Per shape, which servers are apart:\n");
        }
        return b.toString();
    }

    private String columnsStatement() {
        return """
                - **msgs/s**: checked echo replies per second (JMH's score, the mean of the measured iterations).
                - **twin**: the Netty server built the same way (single reactor: netty-nio with 1 event loop; \
                multi-reactor(s): netty-nio with the same --threads; reactor-threadpool: netty-nio-executor). \
                **vs twin**, **vs netty-nio**: msgs/s divided by theirs under the same load, with the ratio's interval.
                - **server.cpu.us/msg**: user + system CPU of the server process per checked reply; \
                **server.reads/msg**, **server.writes/msg**: read and write system calls (/proc/PID/io syscr, syscw) \
                per reply; **server.cs/msg**: voluntary + involuntary context switches of the server's threads per \
                reply; **client.cpu.us/msg**: the load generator's CPU per reply.
                - **p50/p99 (closed loop)**: round-trip latency with one request in flight per connection; at many \
                connections it mostly restates throughput (Little's law): read the open-loop section for latency.
                """ + (baseline != null ? "- **vs baseline**: msgs/s divided by the same row's in " + baselineName
                + ", **real** when the two intervals are apart.\n" : "");
    }

    private String shortInterval() {
        return results.intervalKind() == BenchResults.IntervalKind.JMH_999 ? "JMH's 99.9 % interval" : "min–max of iterations";
    }

    private static String image(String chart) {
        String name = chart.substring(chart.lastIndexOf('/') + 1);
        return "![" + name + "](" + chart + ")\n\n";
    }

    // --- the same report as a page -------------------------------------------------------------------

    /** {@code markdown} rendered by commonmark (with GitHub tables) into a standalone page. */
    static String html(String markdown) {
        // escapeHtml: a value read from a results file (a JVM name, a flag like <dir>) is text, never markup.
        String body = HtmlRenderer.builder().extensions(MARKDOWN).escapeHtml(true).build()
                .render(Parser.builder().extensions(MARKDOWN).build().parse(markdown));
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                + "<title>Reactor Workbench: benchmark results</title>\n"
                + "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;line-height:1.4}"
                + "table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px}"
                + "th{background:#f3f3f3}td:first-child{white-space:nowrap}td[align=right],th[align=right]{text-align:right;white-space:nowrap}"
                + "blockquote{border:3px solid #c00;background:#fff0f0;margin:1em 0;padding:.5em 1em;font-size:1.1em}"
                + "img{max-width:100%;border:1px solid #eee;margin:.5em 0}</style>\n</head><body>\n"
                + body
                + "<p>Also in Markdown: <a href=\"report.md\">report.md</a>.</p>\n</body></html>\n";
    }

    // --- formatting --------------------------------------------------------------------------------

    /** A value read from JSON: whole numbers without a fraction, nested objects as {@code key: value, ...}. */
    static String display(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.valueOf(d.longValue());
        }
        if (value instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, v) -> parts.add(k + ": " + display(v)));
            return String.join(", ", parts);
        }
        return String.valueOf(value);
    }

    /** Latency: µs below 1 ms, ms above, always with a space. */
    static String micros(double us) {
        if (Double.isNaN(us) || us <= 0) {
            return "?";
        }
        if (us < 1000) {
            return String.format(Locale.ROOT, "%.0f µs", us);
        }
        return String.format(Locale.ROOT, "%.2f ms", us / 1000);
    }

    static String bytes(double b) {
        if (Math.abs(b) < 10 * 1024) {
            return String.format(Locale.ROOT, "%,.0f B", b);
        }
        return String.format(Locale.ROOT, "%,.1f KiB", b / 1024);
    }
}
