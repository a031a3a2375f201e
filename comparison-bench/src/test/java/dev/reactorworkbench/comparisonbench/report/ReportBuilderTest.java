package dev.reactorworkbench.comparisonbench.report;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ReportBuilderTest {

    @TempDir
    Path dir;

    private static String fixture(String name) throws IOException {
        try (InputStream in = ReportBuilderTest.class.getResourceAsStream("/report/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    @DisplayName("the fixture's rows are read with their percentiles and thread counts, and divided by netty-nio under the same load")
    void ratiosFromTheFixture() throws IOException {
        BenchResults results = BenchResults.parse(fixture("results.json"));

        assertThat(results.rows()).hasSize(4);
        assertThat(results.servers()).containsExactly("single-thread-reactor", "netty-nio");
        BenchResults.Row str64 = results.find("single-thread-reactor", 64, 64, 0).orElseThrow();
        BenchResults.Row str1024 = results.find("single-thread-reactor", 1024, 64, 0).orElseThrow();
        assertThat(str64.p99Us()).isEqualTo(2500.0);
        assertThat(str64.serverThreads()).isEqualTo(1);
        assertThat(results.ratioToBaseline(str64)).isEqualTo(30000.0 / 20000.0);
        assertThat(results.ratioToBaseline(str1024)).isEqualTo(20000.0 / 25000.0);
        assertThat(results.machine()).containsEntry("jdk", "Fixture JDK 25");
    }

    @Test
    @DisplayName("the report writes index.html, report.md and the SVG charts under predictable names")
    void writesHtmlMarkdownAndCharts() throws IOException {
        ReportBuilder builder = new ReportBuilder(BenchResults.parse(fixture("results.json")),
                MemoryResults.parse(fixture("memory.json")));

        List<Path> files = builder.write(dir);

        assertThat(files.stream().map(f -> dir.relativize(f).toString().replace('\\', '/')))
                .containsExactlyInAnyOrder("index.html", "report.md", "charts/throughput-p64-w0.svg",
                        "charts/latency-c64-p64-w0.svg", "charts/latency-c1024-p64-w0.svg", "charts/memory.svg");
        for (Path f : files) {
            assertThat(f).isRegularFile();
        }
        String svg = Files.readString(dir.resolve("charts/throughput-p64-w0.svg"));
        // XChart draws its text as outlines, so an SVG shows the same everywhere without fonts.
        assertThat(svg).startsWith("<?xml").contains("<svg").contains("<path");
        String html = Files.readString(dir.resolve("index.html"));
        assertThat(html).contains("<img src=\"charts/throughput-p64-w0.svg\"")
                .contains("<img src=\"charts/memory.svg\"")
                .contains("Fixture JDK 25")
                .contains("fixture: server and client share 2 cores")
                .contains("1.50x").contains("0.80x");
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("| single-thread-reactor | 1 | 64 | 64 B | 0 us | 30,000 (29,000-31,000) | 1.00 ms | 2.50 ms | 1.50x |")
                .contains("| single-thread-reactor | 1 | 1024 | 64 B | 0 us | 20,000 (20,000-20,000) | 40.00 ms | 120.00 ms | 0.80x |")
                .contains("| netty-nio | 3 | 64 | 64 B | 0 us | 20,000 (20,000-20,000) | 1.50 ms | 4.00 ms | 1.00x |")
                .contains("| netty-nio | 1,000 | 2,100 B | 1,400 B | 7 | 9 |")
                .contains("| single-thread-reactor | 30,000 | 2.50 ms | 1.50x | 20,000 | 120.00 ms | 0.80x |")
                .contains("![charts/memory.svg](charts/memory.svg)");
    }

    @Test
    @DisplayName("JMH's bare JSON array is read too, and the report says the machine was not recorded")
    void bareJmhJson() throws IOException {
        BenchResults results = BenchResults.parse(fixture("jmh-bare.json"));
        ReportBuilder builder = new ReportBuilder(results, null);

        builder.write(dir);

        assertThat(results.rows()).hasSize(4);
        assertThat(results.machine()).isEmpty();
        assertThat(Files.readString(dir.resolve("report.md"))).contains("Machine: not recorded");
        assertThat(dir.resolve("charts/memory.svg")).doesNotExist();
    }

    @Test
    @DisplayName("a row without a netty-nio row under the same load has no ratio rather than a made-up one")
    void noBaselineNoRatio() throws IOException {
        String onlyModel = fixture("results.json").replace("\"netty-nio\"", "\"multi-reactor\"");
        BenchResults results = BenchResults.parse(onlyModel);

        assertThat(results.ratioToBaseline(results.rows().getFirst())).isNaN();
        assertThat(new ReportBuilder(results, null).markdownTable()).contains("| n/a |").doesNotContain("1.50x");
    }

    @Test
    @DisplayName("JSON: what is written reads back the same, and broken JSON is refused with its offset")
    void jsonRoundTrip() {
        Object doc = Json.parse("{\"a\": [1, 2.5, \"x\\\"y\\n\", true, null], \"b\": {}}");
        assertThat(Json.parse(Json.write(doc))).isEqualTo(doc);
        assertThatIllegalArgumentException().isThrownBy(() -> Json.parse("{\"a\": }")).withMessageContaining("offset 6");
    }
}
