package dev.reactorworkbench.comparisonbench.report;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class ReportBuilderTest {

    @TempDir
    Path dir;

    private static String fixture(String name) throws IOException {
        try (InputStream in = ReportBuilderTest.class.getResourceAsStream("/report/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static final BenchResults.Shape S64 = new BenchResults.Shape(64, 64, 0);

    @Test
    @DisplayName("with 3 forks every figure carries JMH's 99.9 % interval; with 1 fork the range of the iterations")
    void intervalsByForks() throws IOException {
        BenchResults full = BenchResults.parse(Fixtures.standard().resultsJson());
        BenchResults.Row str = full.find("single-thread-reactor", 2, S64).orElseThrow();
        assertThat(full.intervalKind()).isEqualTo(BenchResults.IntervalKind.JMH_999);
        assertThat(str.msgsPerSec()).isEqualTo(new Figure(30_000, 29_000, 31_000));
        assertThat(str.metric("server.cpu.us/msg").low()).isCloseTo(19.0, within(1e-9));
        assertThat(str.threads()).isEqualTo(2);
        assertThat(str.forks()).isEqualTo(3);
        // the same file with one fork: the range of its iterations instead
        BenchResults oneFork = BenchResults.parse(Fixtures.standard().resultsJson().replace("\"forks\" : 3", "\"forks\" : 1"));
        assertThat(oneFork.intervalKind()).isEqualTo(BenchResults.IntervalKind.ITERATION_RANGE);
        assertThat(oneFork.find("single-thread-reactor", 2, S64).orElseThrow().msgsPerSec())
                .isEqualTo(new Figure(30_000, 29_500, 30_500));

        // The committed run's shape: 1 fork, no threads param, no cost metrics; the interval is min-max of iterations.
        BenchResults old = BenchResults.parse(fixture("results.json"));
        BenchResults.Row oldStr = old.find("single-thread-reactor", new BenchResults.Shape(64, 64, 0)).orElseThrow();
        assertThat(old.intervalKind()).isEqualTo(BenchResults.IntervalKind.ITERATION_RANGE);
        assertThat(oldStr.msgsPerSec()).isEqualTo(new Figure(30_000, 29_000, 31_000));
        assertThat(oldStr.metric("p99").value()).isEqualTo(2500.0);
        assertThat(oldStr.metric("server.cpu.us/msg").present()).isFalse();
        assertThat(old.machine()).containsEntry("jdk", "Fixture JDK 25");
    }

    @Test
    @DisplayName("each model's ratio to its twin and to netty-nio carries the interval the two intervals allow")
    void twinsAndRatios() {
        BenchResults r = BenchResults.parse(Fixtures.standard().resultsJson());
        BenchResults.Row str = r.find("single-thread-reactor", 2, S64).orElseThrow();
        BenchResults.Row pool = r.find("reactor-threadpool", 2, S64).orElseThrow();

        // single reactor <-> netty-nio with one event loop, even though the run's --threads is 2
        assertThat(r.twinFor(str).orElseThrow().threads()).isEqualTo(1);
        Figure twin = r.ratioToTwin(str);
        assertThat(twin.value()).isCloseTo(30_000 / 25_000.0, within(1e-9));
        assertThat(twin.low()).isCloseTo(29_000 / 26_000.0, within(1e-9));
        assertThat(twin.high()).isCloseTo(31_000 / 24_000.0, within(1e-9));
        assertThat(twin.excludesOne()).isTrue();
        // worker pool <-> netty-nio-executor: intervals overlap, so the ratio is not a difference
        assertThat(r.twinFor(pool).orElseThrow().server()).isEqualTo("netty-nio-executor");
        assertThat(r.ratioToTwin(pool).excludesOne()).isFalse();
        // to netty-nio at the same --threads
        assertThat(r.ratioToBaseline(str).value()).isCloseTo(1.5, within(1e-9));
        // netty-nio itself has no twin
        assertThat(r.twinFor(r.find("netty-nio", 2, S64).orElseThrow())).isEmpty();

        String table = new ReportBuilder(r, null).tables();
        assertThat(table).contains("| single-thread-reactor | 2 | 30,000 [29,000–31,000] | netty-nio (1 thread) | "
                + "1.20x [1.12x–1.29x] **real** | 1.50x [1.38x–1.63x] **real** | 20.0 [19.0–21.0] | 1.00 [0.990–1.01] | "
                + "1.00 [0.980–1.02] | 0.250 [0.200–0.300] | 12.0 [11.0–13.0] | 800 µs [700 µs–900 µs] | 2.50 ms [2.00 ms–3.00 ms] |");
        assertThat(table).contains("| reactor-threadpool | 2 | 15,000 [14,000–16,000] | netty-nio-executor | 0.97x [0.82x–1.14x] (within noise) |");
    }

    @Test
    @DisplayName("the noise is the median relative half-width of the run's intervals, and the report lists which servers are apart")
    void noiseAndDistinguishable() throws IOException {
        BenchResults r = BenchResults.parse(Fixtures.standard().resultsJson());
        // half-widths: 3.3, 6.7, 5, 4, 9.7 % (64 conns) and 5, 20 % (1024 conns): the median is 5 %
        assertThat(r.medianRelativeHalfWidth(BenchResults.Row::msgsPerSec)).isCloseTo(0.05, within(1e-9));

        ReportBuilder builder = new ReportBuilder(r, null);
        assertThat(builder.markdown()).contains("the median half-width of the msgs/s intervals is **5.0 %**")
                .contains("of `server.cpu.us/msg`, **5.0 %**");
        String table = builder.distinguishable(S64).markdown();
        assertThat(table).contains("| single-thread-reactor | 30,000 [29,000–31,000] | reactor-threadpool, netty-nio, "
                + "netty-nio (1 thread), netty-nio-executor | – | – |");
        assertThat(table).contains("| reactor-threadpool | 15,000 [14,000–16,000] | – | single-thread-reactor, netty-nio, "
                + "netty-nio (1 thread) | netty-nio-executor |");
    }

    @Test
    @DisplayName("open-loop runs: the percentiles come from the decoded HdrHistogram, with achieved vs offered and failures shown")
    void openLoopLatency() throws IOException {
        Fixtures f = Fixtures.standard()
                // 100 us + 10 ns per sample: p99 of 10,000 samples is about 199 us
                .run("single-thread-reactor", 64, 0.5, 10_000, 10_000, 0, 10_000, i -> 100_000 + i * 10L)
                // ten times slower, behind its offered rate, and with failed checks
                .run("netty-nio", 64, 0.5, 10_000, 8_000, 3, 10_000, i -> 1_000_000 + i * 100L)
                .run("single-thread-reactor", 64, 0.9, 18_000, 18_000, 0, 10_000, i -> 200_000 + i * 10L);
        LatencyResults lat = LatencyResults.parse(f.latencyJson());
        LatencyResults.Distribution d = new LatencyResults.Distribution(lat.runs().getFirst());
        assertThat(d.count()).isEqualTo(10_000);
        Figure p99 = d.at(0.99);
        assertThat(p99.value()).isCloseTo(0.199, within(0.001));
        assertThat(p99.low()).isLessThan(p99.value());
        assertThat(p99.high()).isGreaterThan(p99.value());

        ReportBuilder builder = new ReportBuilder(BenchResults.parse(f.resultsJson()), null, lat, null, null);
        List<Path> files = builder.write(dir);
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("### 64 connections x 64 B x work 0 µs, 50 % load")
                .contains("Offered: 10,000 msgs/s (50 % of netty-nio's 20,000 msgs/s)")
                .containsPattern("\\| single-thread-reactor \\| 2 \\| 10,000 \\| 10,000 \\| 150 µs \\[[^]]+] \\| 199 µs")
                .contains("| netty-nio | 2 | 10,000 | 8,000 **behind** |")
                .contains("**3 FAILED**")
                .contains("### 64 connections x 64 B x work 0 µs, 90 % load");
        assertThat(files).contains(dir.resolve("charts/latency-open-c64-p64-w0-load50.svg"),
                dir.resolve("charts/latency-open-c64-p64-w0-load90.svg"));
        String svg = Files.readString(dir.resolve("charts/latency-open-c64-p64-w0-load50.svg"));
        // percentiles on the 1/(1-p) axis, one line per server, error bars at the table's percentiles
        assertThat(svg).contains(">99.99 %</text>").contains(">99.9 %</text>").contains(">50 %</text>")
                .contains("class=\"series s-single-thread-reactor\"").contains("class=\"series s-netty-nio\"")
                .contains("class=\"err\"").contains("latency (ms, log scale)");
    }

    @Test
    @DisplayName("the HTML page and the Markdown hold the same tables, cell for cell")
    void htmlAndMarkdownHoldTheSameTables() throws IOException {
        Fixtures f = Fixtures.standard().run("single-thread-reactor", 64, 0.5, 10_000, 10_000, 0, 1_000, i -> 100_000 + i);
        ReportBuilder builder = new ReportBuilder(BenchResults.parse(f.resultsJson()), MemoryResults.parse(fixture("memory.json")),
                LatencyResults.parse(f.latencyJson()), BenchResults.parse(fixture("results.json")), "old/results.json");
        builder.write(dir);

        List<List<List<String>>> md = markdownTables(Files.readString(dir.resolve("report.md")));
        List<List<List<String>>> html = htmlTables(Files.readString(dir.resolve("index.html")));
        assertThat(md).hasSize(8); // 2 shapes x (distinguishable, table), latency, memory, machine, settings
        assertThat(html).isEqualTo(md);
    }

    @Test
    @DisplayName("--baseline adds the change against the earlier run, marked real only when the intervals are apart")
    void baselineColumn() {
        BenchResults now = BenchResults.parse(Fixtures.standard().resultsJson());
        BenchResults before = BenchResults.parse(new Fixtures()
                .row("single-thread-reactor", 2, 64, 64, 0, 20_000, 19_000, 21_000, 20)
                .row("netty-nio", 2, 64, 64, 0, 19_500, 18_000, 21_000, 25).resultsJson());
        String table = new ReportBuilder(now, null, null, before, "before.json").tables();
        assertThat(table).contains("vs baseline |")
                .containsPattern("\\| single-thread-reactor \\| 2 \\|.* \\| 1.50x \\[1.38x–1.63x] \\*\\*real\\*\\* \\|\n")
                .containsPattern("\\| netty-nio \\| 2 \\|.* \\| 1.03x \\[0.90x–1.17x] \\(within noise\\) \\|\n")
                .containsPattern("\\| reactor-threadpool \\|.* \\| not in baseline \\|\n");
    }

    @Test
    @DisplayName("a run forced past the load gate says so at the top of both the Markdown and the HTML; the run's grid, forks, iterations and pinning are stated")
    void forcedRunAndRunStatement() throws IOException {
        new ReportBuilder(BenchResults.parse(Fixtures.standard().forced().resultsJson()), null).write(dir);
        String md = Files.readString(dir.resolve("report.md"));
        String html = Files.readString(dir.resolve("index.html"));
        assertThat(md.lines().skip(2).findFirst().orElseThrow()).startsWith("> **This run is not clean.**").contains("3.7");
        assertThat(html.indexOf("This run is not clean")).isPositive().isLessThan(html.indexOf("<h2>"));
        assertThat(md).contains("- **Grid**: 2 shapes (64 connections x 64 B x work 0 µs; 1024 connections x 64 B x work 0 µs) x 4 servers, 7 rows")
                .contains("- **Forks**: 3 per point.")
                .contains("- **Iterations**: warm-up 2 x 1 s, measured 5 x 1 s; mode full.")
                .contains("- **Pinning**: none (2 cores: server and client unpinned).")
                .contains("forced past the gate (not clean)")
                .contains("JMH's 99.9 % confidence interval");

        new ReportBuilder(BenchResults.parse(Fixtures.standard().resultsJson()), null).write(dir);
        assertThat(Files.readString(dir.resolve("report.md"))).doesNotContain("not clean")
                .contains("threshold 0.5 on 2 cores: passed");
    }

    @Test
    @DisplayName("charts are small SVGs with real text, error bars, a log axis for memory, and a variant per model with it highlighted")
    void charts() throws IOException {
        ReportBuilder builder = new ReportBuilder(BenchResults.parse(Fixtures.standard().resultsJson()),
                MemoryResults.parse(fixture("memory.json")));
        List<Path> files = builder.write(dir);

        assertThat(files.stream().map(p -> dir.relativize(p).toString().replace('\\', '/')))
                .contains("index.html", "report.md", "charts/throughput-p64-w0.svg", "charts/cpu-p64-w0.svg", "charts/memory.svg",
                        "charts/highlight/single-thread-reactor/throughput-p64-w0.svg",
                        "charts/highlight/reactor-threadpool/cpu-p64-w0.svg")
                .noneMatch(n -> n.startsWith("charts/highlight/netty"));
        for (Path f : files) {
            if (f.toString().endsWith(".svg")) {
                assertThat(Files.size(f)).as(f + " size").isLessThan(100_000);
                // well-formed XML, or a browser shows an error instead of the chart
                assertThatCode(() -> javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(f.toFile()))
                        .as(f.toString()).doesNotThrowAnyException();
            }
        }
        String svg = Files.readString(dir.resolve("charts/throughput-p64-w0.svg"));
        assertThat(svg).startsWith("<?xml").contains("<svg").contains(">Throughput, payload 64 B, work 0 µs</text>")
                .contains(">single-thread-reactor</text>").contains(">netty-nio (1 thread)</text>")
                .doesNotContain("class=\"chart highlighting\"");
        // one error bar per bar: 5 rows at 64 connections, 2 at 1,024
        assertThat(count(svg, "class=\"err\"")).isEqualTo(7);
        String memory = Files.readString(dir.resolve("charts/memory.svg"));
        assertThat(memory).contains("(log scale)").contains(">0.1</text>").contains(">1</text>").contains(">10</text>");
        String hl = Files.readString(dir.resolve("charts/highlight/single-thread-reactor/throughput-p64-w0.svg"));
        assertThat(hl).contains("class=\"chart highlighting\"").contains("class=\"series s-single-thread-reactor hl\"")
                .contains("class=\"series s-netty-nio\"");
        assertThat(Files.readString(dir.resolve("report.md"))).contains("![throughput-p64-w0.svg](charts/throughput-p64-w0.svg)");
    }

    @Test
    @DisplayName("the committed results make a report: JMH's intervals, the load gate passed, a cost column in every table")
    void committedResultsStillRender() throws IOException {
        Path committed = Path.of("..", "docs", "results", "results.json");
        assertThat(committed).isRegularFile();
        BenchResults r = BenchResults.read(committed);
        new ReportBuilder(r, null, null, null, null).write(dir);
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("JMH's 99.9 % confidence interval").containsPattern("- \\*\\*Load gate\\*\\*: .*: passed")
                .contains("### 64 connections x 64 B x work 0 µs").contains("server.cpu.us/msg").doesNotContain("not clean");
        assertThat(r.rows()).hasSizeGreaterThanOrEqualTo(70);
    }

    @Test
    @DisplayName("JMH's bare JSON array is read too, and the report says the machine was not recorded")
    void bareJmhJson() throws IOException {
        BenchResults results = BenchResults.parse(fixture("jmh-bare.json"));
        new ReportBuilder(results, null).write(dir);

        assertThat(results.rows()).hasSize(4);
        assertThat(results.machine()).isEmpty();
        assertThat(Files.readString(dir.resolve("report.md"))).contains("Machine: not recorded");
        assertThat(dir.resolve("charts/memory.svg")).doesNotExist();
    }

    @Test
    @DisplayName("a row without a netty-nio row under the same load has no ratio rather than a made-up one")
    void noBaselineNoRatio() throws IOException {
        BenchResults results = BenchResults.parse(fixture("results.json").replace("\"netty-nio\"", "\"multi-reactor\""));
        assertThat(results.ratioToBaseline(results.rows().getFirst()).present()).isFalse();
        assertThat(new ReportBuilder(results, null).tables()).doesNotContain("1.50x");
    }

    @Test
    @DisplayName("files of the wrong shape are refused with a message that says what was expected and where JSON broke")
    void clearErrors() {
        assertThatIllegalArgumentException().isThrownBy(() -> BenchResults.parse("{\"a\": }"))
                .withMessageContaining("not valid JSON").withMessageContaining("line 1, column 7");
        assertThatIllegalArgumentException().isThrownBy(() -> BenchResults.parse("{\"rows\": []}"))
                .withMessageContaining("\"jmh\" array");
        assertThatIllegalArgumentException().isThrownBy(() -> LatencyResults.parse("{\"runs\": [{\"server\": \"x\", "
                        + "\"histogram\": \"bm90IGEgaGlzdG9ncmFt\"}]}").runs().forEach(LatencyResults.Distribution::new))
                .withMessageContaining("HdrHistogram");
        assertThatIllegalArgumentException().isThrownBy(() -> MemoryResults.parse("{\"rows\": [{\"server\": \"x\"}]}"))
                .withMessageContaining("\"connections\"");
    }

    // --- reading tables back, independently of how they were written ----------------------------------

    private static final Pattern TABLE = Pattern.compile("<table>(.*?)</table>", Pattern.DOTALL);
    private static final Pattern ROW = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<t[hd][^>]*>(.*?)</t[hd]>", Pattern.DOTALL);

    /** Every HTML table as rows of cell texts (tags dropped, entities decoded). */
    static List<List<List<String>>> htmlTables(String html) {
        List<List<List<String>>> tables = new ArrayList<>();
        Matcher t = TABLE.matcher(html);
        while (t.find()) {
            List<List<String>> rows = new ArrayList<>();
            Matcher r = ROW.matcher(t.group(1));
            while (r.find()) {
                List<String> cells = new ArrayList<>();
                Matcher c = CELL.matcher(r.group(1));
                while (c.find()) {
                    cells.add(c.group(1).replaceAll("<[^>]+>", "").replace("&quot;", "\"").replace("&lt;", "<")
                            .replace("&gt;", ">").replace("&amp;", "&").trim());
                }
                rows.add(cells);
            }
            tables.add(rows);
        }
        return tables;
    }

    /** Every Markdown table as rows of cell texts (the alignment line skipped, emphasis and code marks dropped). */
    static List<List<List<String>>> markdownTables(String md) {
        List<List<List<String>>> tables = new ArrayList<>();
        List<List<String>> current = null;
        for (String line : md.lines().toList()) {
            if (!line.startsWith("|")) {
                current = null;
                continue;
            }
            if (current == null) {
                current = new ArrayList<>();
                tables.add(current);
            }
            if (line.matches("\\|(-+:?\\|)+")) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (String c : Stream.of(line.substring(1, line.length() - 1).split("\\|", -1)).toList()) {
                cells.add(c.trim().replace("**", "").replace("`", ""));
            }
            current.add(cells);
        }
        return tables;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
