package dev.reactorworkbench.comparisonbench.report;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DocsFactsTest {

    @TempDir
    Path dir;

    private static String fixture(String name) throws IOException {
        try (InputStream in = DocsFactsTest.class.getResourceAsStream("/report/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    @DisplayName("every row's figures become attributes with their intervals; ratios say whether they are apart")
    void rowFigures() throws IOException {
        Fixtures f = Fixtures.standard().run("single-thread-reactor", 64, 0.5, 10_000, 10_000, 0, 1_000, i -> 100_000 + i);
        Map<String, String> a = new DocsFacts("results", BenchResults.parse(f.resultsJson()), LatencyResults.parse(f.latencyJson()),
                MemoryResults.parse(fixture("memory.json"))).attributes();

        assertThat(a).containsEntry("results-single-thread-reactor-c64-p64-w0-msgs", "30,000 [29,000–31,000] msgs/s")
                // the twin is netty-nio at one thread: 30,000 / 25,000, interval 29,000/26,000 to 31,000/24,000
                .containsEntry("results-single-thread-reactor-c64-p64-w0-vs-twin", "1.20x [1.12x–1.29x], apart")
                .containsEntry("results-single-thread-reactor-c64-p64-w0-vs-netty", "1.50x [1.38x–1.63x], apart")
                .containsEntry("results-reactor-threadpool-c64-p64-w0-vs-twin", "0.97x [0.82x–1.14x], within noise")
                .containsEntry("results-single-thread-reactor-c64-p64-w0-cpu", "20.0 [19.0–21.0] µs")
                .containsEntry("results-single-thread-reactor-c64-p64-w0-reads", "1.00 [0.990–1.01]")
                .containsEntry("results-single-thread-reactor-c64-p64-w0-p99", "2.50 ms")
                .containsEntry("results-netty-nio-t1-c64-p64-w0-msgs", "25,000 [24,000–26,000] msgs/s")
                .containsEntry("results-forks", "3")
                .containsEntry("results-memory-netty-nio-c1000-heap", "2,100 B")
                .containsEntry("results-open-c64-p64-w0-load50-offered", "10,000 msgs/s")
                .containsKey("results-open-single-thread-reactor-c64-p64-w0-load50-p999")
                .containsKey("results-noise");
        // netty-nio is not compared with itself
        assertThat(a).doesNotContainKey("results-netty-nio-c64-p64-w0-vs-netty");
        assertThat(a.keySet()).allMatch(k -> k.matches("[a-z0-9][a-z0-9_-]*"), "a valid AsciiDoc attribute name");
    }

    @Test
    @DisplayName("a pipelined load is a shape of its own: its facts end in -dN, its ratios compare rows of the same depth, "
            + "its charts are apart from the depth-1 charts")
    void pipelinedRows() throws IOException {
        Fixtures f = Fixtures.standard()
                .row("single-thread-reactor", 2, 64, 64, 0, 90_000, 88_000, 92_000, 5).depth(16)
                .row("netty-nio", 1, 64, 64, 0, 60_000, 58_000, 62_000, 7).depth(16)
                .row("netty-nio", 2, 64, 64, 0, 70_000, 68_000, 72_000, 8).depth(16);
        BenchResults results = BenchResults.parse(f.resultsJson());
        Map<String, String> a = new DocsFacts("results", results, null, null).attributes();

        assertThat(results.shapes()).contains(new BenchResults.Shape(64, 64, 0), new BenchResults.Shape(64, 64, 0, 16));
        assertThat(a).containsEntry("results-single-thread-reactor-c64-p64-w0-msgs", "30,000 [29,000–31,000] msgs/s")
                .containsEntry("results-single-thread-reactor-c64-p64-w0-d16-msgs", "90,000 [88,000–92,000] msgs/s")
                // 90,000 / 60,000 (its twin at depth 16), not / 25,000 (the twin at depth 1)
                .containsEntry("results-single-thread-reactor-c64-p64-w0-d16-vs-twin", "1.50x [1.42x–1.59x], apart")
                .containsEntry("results-single-thread-reactor-c64-p64-w0-d16-vs-netty", "1.29x [1.22x–1.35x], apart");
        assertThat(new ReportBuilder(results, null).charts()).containsKeys("throughput-p64-w0", "throughput-p64-w0-d16",
                "cpu-p64-w0-d16");
        assertThat(new BenchResults.Shape(64, 64, 0, 16).describe()).endsWith("x 16 pipelined");
    }

    @Test
    @DisplayName("the report writes facts.adoc named after its directory, the same attributes as the builder's")
    void writtenBesideTheReport() throws IOException {
        Path out = dir.resolve("redis-story");
        ReportBuilder builder = new ReportBuilder(BenchResults.parse(Fixtures.standard().resultsJson()), null);
        assertThat(builder.write(out)).contains(out.resolve("facts.adoc"));

        String adoc = Files.readString(out.resolve("facts.adoc"));
        assertThat(adoc).startsWith("// Generated by ./workbench compare")
                .contains("\n:redis-story-single-thread-reactor-c1024-p64-w0-msgs: 20,000 [19,000–21,000] msgs/s\n")
                .isEqualTo(builder.facts("redis-story").asciidoc());
        assertThat(DocsFacts.prefixFor("results")).isEqualTo("results");
        assertThat(DocsFacts.prefixFor("Run 2_b")).isEqualTo("run-2-b");
        assertThatIllegalArgumentException().isThrownBy(() -> builder.facts("Bad Prefix")).withMessageContaining("prefix");
    }
}
