package dev.reactorworkbench.comparisonbench.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.colors.XChartSeriesColors;

import java.awt.Color;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a run's results into a report: {@code index.html} with the tables and the SVG charts,
 * {@code report.md} with the same tables in Markdown, and {@code charts/*.svg} (XChart), named so
 * the docs can embed them:
 * <ul>
 *   <li>{@code throughput-p{payload}-w{work}.svg}: msgs/s by connections, one bar per server;</li>
 *   <li>{@code latency-c{connections}-p{payload}-w{work}.svg}: p50, p99 and p99.9, one bar per server;</li>
 *   <li>{@code memory.svg}: heap and RSS per idle connection at each count, one bar per server.</li>
 * </ul>
 * A server has the same colour in every chart.
 * <ul>
 * </ul>
 */
public final class ReportBuilder {

    private final BenchResults results;
    private final MemoryResults memory;   // null when there is no memory file

    public ReportBuilder(BenchResults results, MemoryResults memory) {
        this.results = results;
        this.memory = memory;
    }

    /** Writes the report into {@code dir} and returns the files written, index.html first. */
    public List<Path> write(Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path charts = dir.resolve("charts");
        Files.createDirectories(charts);
        List<Path> written = new ArrayList<>();
        Path index = dir.resolve("index.html");
        Path md = dir.resolve("report.md");
        written.add(index);
        written.add(md);
        List<Path> svgs = writeCharts(charts);
        written.addAll(svgs);
        Files.writeString(md, markdown(svgs.stream().map(f -> dir.relativize(f).toString().replace('\\', '/')).toList()));
        Files.writeString(index, html(dir, svgs));
        return written;
    }

    // --- charts ------------------------------------------------------------------------------

    List<Path> writeCharts(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        List<String> servers = results.servers();
        // One colour per server, the same in every chart.
        List<String> everyServer = new ArrayList<>(servers);
        if (memory != null) {
            memory.rows().stream().map(MemoryResults.Row::server).filter(s -> !everyServer.contains(s)).forEach(everyServer::add);
        }
        everyServer.sort(BenchResults.SERVER_ORDER);

        // 1. Throughput by connections, one bar per server.
        for (int payload : results.payloads()) {
            for (int work : results.works()) {
                CategoryChart chart = chart("Throughput, payload " + payload + " B, work " + work + " us",
                        "connections", "msgs/s (checked replies)");
                List<String> x = results.connectionCounts().stream().map(String::valueOf).toList();
                for (String server : servers) {
                    List<Double> y = new ArrayList<>();
                    for (int c : results.connectionCounts()) {
                        y.add(results.find(server, c, payload, work).map(BenchResults.Row::msgsPerSec).orElse(0.0));
                    }
                    if (y.stream().anyMatch(v -> v > 0)) {
                        add(chart, everyServer, server, x, y);
                    }
                }
                files.add(save(chart, dir, "throughput-p" + payload + "-w" + work));
            }
        }
        // 2. Latency percentiles, one bar per server.
        List<String> percentiles = List.of("p50", "p99", "p99.9");
        for (int payload : results.payloads()) {
            for (int work : results.works()) {
                for (int c : results.connectionCounts()) {
                    List<BenchResults.Row> rows = servers.stream()
                            .flatMap(s -> results.find(s, c, payload, work).stream())
                            .filter(r -> r.p50Us() > 0)
                            .toList();
                    if (rows.isEmpty()) {
                        continue;
                    }
                    CategoryChart chart = chart("Latency, " + c + " connection" + (c == 1 ? "" : "s") + ", payload "
                            + payload + " B, work " + work + " us", "percentile", "microseconds");
                    for (BenchResults.Row r : rows) {
                        add(chart, everyServer, r.server(), percentiles, List.of(r.p50Us(), r.p99Us(), r.p999Us()));
                    }
                    files.add(save(chart, dir, "latency-c" + c + "-p" + payload + "-w" + work));
                }
            }
        }
        // 3. Memory per idle connection, one bar per server.
        if (memory != null && !memory.rows().isEmpty()) {
            CategoryChart chart = chart("Memory per idle connection", "", "KiB per connection");
            List<Integer> counts = memory.rows().stream().map(MemoryResults.Row::connections).distinct().sorted().toList();
            List<String> x = new ArrayList<>();
            for (int n : counts) {
                x.add(String.format(Locale.ROOT, "heap, %,d conns", n));
                x.add(String.format(Locale.ROOT, "RSS, %,d conns", n));
            }
            for (String server : everyServer) {
                List<Double> y = new ArrayList<>();
                boolean any = false;
                for (int n : counts) {
                    MemoryResults.Row r = memory.rows().stream()
                            .filter(m -> m.server().equals(server) && m.connections() == n).findFirst().orElse(null);
                    any |= r != null;
                    y.add(r == null ? 0 : Math.max(0, r.heapPerConnection() / 1024));
                    y.add(r == null ? 0 : Math.max(0, r.rssPerConnection() / 1024));
                }
                if (any) {
                    add(chart, everyServer, server, x, y);
                }
            }
            files.add(save(chart, dir, "memory"));
        }
        return files;
    }

    private static final Color[] PALETTE = new XChartSeriesColors().getSeriesColors();

    /** Adds {@code server}'s bars in its own colour, fixed by its place among every server. */
    private static void add(CategoryChart chart, List<String> everyServer, String server, List<String> x, List<Double> y) {
        CategorySeries series = chart.addSeries(server, x, y);
        int i = Math.max(0, everyServer.indexOf(server));
        Color color = PALETTE[i % PALETTE.length];
        if (i >= PALETTE.length) {
            color = color.darker(); // a second round of the palette, told apart by shade
        }
        series.setFillColor(color);
        series.setLineColor(color);
    }

    private static CategoryChart chart(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(480).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setOverlapped(false);
        return chart;
    }

    private static Path save(CategoryChart chart, Path dir, String name) throws IOException {
        Path file = dir.resolve(name + ".svg");
        VectorGraphicsEncoder.saveVectorGraphic(chart, file.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        if (!Files.exists(file)) {
            throw new IOException("XChart did not write " + file);
        }
        // A PNG beside each SVG on request (-Dworkbench.report.png=true), to look at a chart
        // where no SVG viewer is at hand.
        if (Boolean.getBoolean("workbench.report.png")) {
            BitmapEncoder.saveBitmap(chart, dir.resolve(name + ".png").toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        return file;
    }

    // --- tables ------------------------------------------------------------------------------

    /** The comparison table in Markdown: one row per server and load, with the ratio to netty-nio. */
    public String markdownTable() {
        StringBuilder b = new StringBuilder();
        b.append("| server | threads | connections | payload | work | msgs/s | p50 | p99 | vs netty-nio |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BenchResults.Row r : results.sortedRows()) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %d B | %d us | %s%s | %s | %s | %s |%n",
                    r.server(), r.serverThreads() > 0 ? String.valueOf(r.serverThreads()) : "?", r.connections(),
                    r.payload(), r.work(), rate(r.msgsPerSec()), range(r.msgsMin(), r.msgsMax()), micros(r.p50Us()), micros(r.p99Us()),
                    ratio(results.ratioToBaseline(r))));
        }
        return b.toString();
    }

    /**
     * One table per payload and work, one row per server, one group of columns per connection
     * count: msgs/s, p99 and the ratio to netty-nio side by side.
     */
    public String summaryTables() {
        StringBuilder b = new StringBuilder();
        List<Integer> counts = results.connectionCounts();
        for (int payload : results.payloads()) {
            for (int work : results.works()) {
                b.append(String.format(Locale.ROOT, "%n#### payload %d B, work %d us%n%n| server |", payload, work));
                for (int c : counts) {
                    b.append(String.format(Locale.ROOT, " %d conns: msgs/s | p99 | vs netty-nio |", c));
                }
                b.append("\n|---|").append("---:|---:|---:|".repeat(counts.size())).append('\n');
                for (String server : results.servers()) {
                    b.append("| ").append(server).append(" |");
                    for (int c : counts) {
                        BenchResults.Row r = results.find(server, c, payload, work).orElse(null);
                        if (r == null) {
                            b.append(" - | - | - |");
                        } else {
                            b.append(' ').append(rate(r.msgsPerSec())).append(" | ").append(micros(r.p99Us()))
                                    .append(" | ").append(ratio(results.ratioToBaseline(r))).append(" |");
                        }
                    }
                    b.append('\n');
                }
            }
        }
        return b.toString();
    }

    /** The memory table in Markdown, or an empty string without memory results. */
    public String memoryTable() {
        if (memory == null || memory.rows().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        b.append("| server | idle connections | heap per connection | RSS per connection | threads before | threads with the connections |\n");
        b.append("|---|---:|---:|---:|---:|---:|\n");
        for (MemoryResults.Row r : memory.rows()) {
            b.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %d | %d |%n", r.server(), r.connections(),
                    bytes(r.heapPerConnection()), bytes(r.rssPerConnection()), r.threadsBefore(), r.threadsAfter()));
        }
        return b.toString();
    }

    String markdown() {
        return markdown(List.of());
    }

    /** The Markdown report; {@code charts} (relative to the report) are shown at the end. */
    String markdown(List<String> charts) {
        StringBuilder b = new StringBuilder("# Reactor Workbench: benchmark results\n\n");
        b.append(machineMarkdown()).append('\n');
        b.append("## Throughput and latency\n\n");
        b.append(threadSplit()).append("\n\n");
        b.append("msgs/s: checked echo replies per second (JMH score, the mean of the measured iterations; in "
                + "brackets in the full table, the lowest and highest iteration); p50/p99: round-trip latency per request, "
                + "closed loop, one request in flight per connection; vs netty-nio: msgs/s divided by netty-nio's "
                + "under the same load; threads: platform threads the server ran (virtual threads not counted).\n\n");
        b.append("### Summary\n");
        b.append(summaryTables());
        b.append("\n### Every row\n\n");
        b.append(markdownTable());
        String mem = memoryTable();
        if (!mem.isEmpty()) {
            b.append("\n## Memory per idle connection\n\n");
            b.append("Heap after GC and RSS of the server's own process, with N idle connections minus without, divided "
                    + "by N; the connections are held by a separate client process.\n\n");
            b.append(mem);
        }
        if (!charts.isEmpty()) {
            b.append("\n## Charts\n\n");
            for (String chart : charts) {
                b.append("![").append(chart).append("](").append(chart).append(")\n\n");
            }
        }
        return b.toString();
    }

    private String machineMarkdown() {
        StringBuilder b = new StringBuilder();
        Map<String, Object> machine = results.machine().isEmpty() && memory != null ? memory.machine() : results.machine();
        if (machine.isEmpty()) {
            b.append("Machine: not recorded (the results file is JMH's bare JSON).\n");
        } else {
            b.append("| machine | |\n|---|---|\n");
            machine.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(display(v).replace("|", "/")).append(" |\n"));
        }
        if (!results.settings().isEmpty()) {
            b.append("\n| run settings | |\n|---|---|\n");
            results.settings().forEach((k, v) -> b.append("| ").append(k).append(" | ").append(display(v).replace("|", "/")).append(" |\n"));
        }
        return b.toString();
    }

    private String threadSplit() {
        Object split = results.settings().get("threadSplit");
        return split != null ? "Thread split: " + split
                : "Thread split: not recorded; EchoBenchmark runs the server and the load generator's client threads in one JVM.";
    }

    private String html(Path dir, List<Path> svgs) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Reactor Workbench: benchmark results</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px}")
                .append("td.n{text-align:right}img{max-width:100%;border:1px solid #eee;margin:.5em 0}</style>\n</head><body>\n")
                .append("<h1>Reactor Workbench: benchmark results</h1>\n");
        Map<String, Object> machine = results.machine().isEmpty() && memory != null ? memory.machine() : results.machine();
        b.append("<h2>Machine</h2>\n");
        if (machine.isEmpty()) {
            b.append("<p>Not recorded (the results file is JMH's bare JSON).</p>\n");
        } else {
            b.append("<table>\n");
            machine.forEach((k, v) -> b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(display(v))).append("</td></tr>\n"));
            b.append("</table>\n");
        }
        if (!results.settings().isEmpty()) {
            b.append("<h2>Run settings</h2>\n<table>\n");
            results.settings().forEach((k, v) -> b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(display(v))).append("</td></tr>\n"));
            b.append("</table>\n");
        }
        b.append("<h2>Throughput</h2>\n<p>").append(esc(threadSplit())).append("</p>\n");
        for (Path svg : svgs) {
            if (svg.getFileName().toString().startsWith("throughput")) {
                b.append(img(dir, svg));
            }
        }
        b.append("<h2>Latency</h2>\n");
        for (Path svg : svgs) {
            if (svg.getFileName().toString().startsWith("latency")) {
                b.append(img(dir, svg));
            }
        }
        if (memory != null && !memory.rows().isEmpty()) {
            b.append("<h2>Memory per idle connection</h2>\n<p>Heap after GC and RSS of the server's own process with N idle "
                    + "connections minus without, divided by N; a separate client process holds the connections.</p>\n");
            for (Path svg : svgs) {
                if (svg.getFileName().toString().startsWith("memory")) {
                    b.append(img(dir, svg));
                }
            }
            b.append("<table>\n<tr><th>server</th><th>idle connections</th><th>heap per connection</th><th>RSS per connection</th>"
                    + "<th>threads before</th><th>threads with the connections</th></tr>\n");
            for (MemoryResults.Row r : memory.rows()) {
                b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class=n>%,d</td><td class=n>%s</td><td class=n>%s</td>"
                                + "<td class=n>%d</td><td class=n>%d</td></tr>%n", esc(r.server()), r.connections(),
                        bytes(r.heapPerConnection()), bytes(r.rssPerConnection()), r.threadsBefore(), r.threadsAfter()));
            }
            b.append("</table>\n");
        }
        b.append("<h2>Table</h2>\n<p>msgs/s: checked echo replies per second; p50/p99: round-trip latency; "
                + "vs netty-nio: msgs/s divided by netty-nio's under the same load (every server runs with the same "
                + "--threads as Netty's worker group); threads: platform threads the server ran.</p>\n<table>\n")
                .append("<tr><th>server</th><th>threads</th><th>connections</th><th>payload</th><th>work</th><th>msgs/s</th>"
                        + "<th>p50</th><th>p99</th><th>vs netty-nio</th></tr>\n");
        for (BenchResults.Row r : results.sortedRows()) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class=n>%s</td><td class=n>%d</td><td class=n>%d B</td>"
                            + "<td class=n>%d us</td><td class=n>%s</td><td class=n>%s</td><td class=n>%s</td><td class=n>%s</td></tr>%n",
                    esc(r.server()), r.serverThreads() > 0 ? String.valueOf(r.serverThreads()) : "?", r.connections(),
                    r.payload(), r.work(), rate(r.msgsPerSec()), micros(r.p50Us()), micros(r.p99Us()),
                    ratio(results.ratioToBaseline(r))));
        }
        b.append("</table>\n<p>Also in Markdown: <a href=\"report.md\">report.md</a>.</p>\n</body></html>\n");
        return b.toString();
    }

    private static String img(Path dir, Path svg) {
        String rel = dir.relativize(svg).toString().replace('\\', '/');
        return "<p><img src=\"" + esc(rel) + "\" alt=\"" + esc(svg.getFileName().toString()) + "\"></p>\n";
    }

    // --- formatting --------------------------------------------------------------------------

    /** A value read from JSON: whole numbers without a fraction (JSON numbers come back as doubles). */
    static String display(Object value) {
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.valueOf(d.longValue());
        }
        return String.valueOf(value);
    }

    /** The range of the measured iterations, e.g. {@code " (27,900-31,200)"}, or "" without raw data. */
    static String range(double min, double max) {
        return Double.isNaN(min) || Double.isNaN(max) ? "" : String.format(Locale.ROOT, " (%,.0f-%,.0f)", min, max);
    }

    static String rate(double msgsPerSec) {
        return Double.isNaN(msgsPerSec) ? "?" : String.format(Locale.ROOT, "%,.0f", msgsPerSec);
    }

    static String micros(double us) {
        if (Double.isNaN(us) || us <= 0) {
            return "?";
        }
        if (us < 1000) {
            return String.format(Locale.ROOT, "%.0f us", us);
        }
        return String.format(Locale.ROOT, "%.2f ms", us / 1000);
    }

    static String ratio(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2fx", ratio);
    }

    static String bytes(double b) {
        if (Math.abs(b) < 10 * 1024) {
            return String.format(Locale.ROOT, "%,.0f B", b);
        }
        return String.format(Locale.ROOT, "%,.1f KiB", b / 1024);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
