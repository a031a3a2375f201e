package dev.reactorworkbench.comparisonbench.report;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed runs under {@code docs/results}: the attributes the docs quote ({@code facts.adoc})
 * are exactly what the committed results files give, so no number in the docs was typed by hand or
 * left behind by an older run.
 */
class CommittedResultsTest {

    private static final Path RESULTS = Path.of("..", "docs", "results");

    @Test
    @DisplayName("every committed facts.adoc is regenerated, attribute for attribute, from the results beside it")
    void factsComeFromTheResults() throws IOException {
        List<Path> runs;
        try (Stream<Path> files = Files.walk(RESULTS, 2)) {
            runs = files.filter(p -> p.getFileName().toString().equals("results.json")).map(Path::getParent).sorted().toList();
        }
        assertThat(runs).as("committed runs under " + RESULTS.toAbsolutePath().normalize()).isNotEmpty();
        for (Path run : runs) {
            BenchResults results = BenchResults.read(run.resolve("results.json"));
            LatencyResults latency = Files.exists(run.resolve("latency.json")) ? LatencyResults.read(run.resolve("latency.json")) : null;
            MemoryResults memory = Files.exists(run.resolve("memory.json")) ? MemoryResults.read(run.resolve("memory.json")) : null;
            String prefix = DocsFacts.prefixFor(run.toAbsolutePath().normalize().getFileName().toString());
            String expected = new DocsFacts(prefix, results, latency, memory).asciidoc();

            assertThat(run.resolve("facts.adoc")).as("facts.adoc of " + run + " (regenerate with ./workbench report --results "
                    + run + " --out " + run + ")").exists();
            assertThat(Files.readString(run.resolve("facts.adoc"))).as(run + "/facts.adoc").isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("the committed full run is a clean one: at least 3 forks per point, past the quiet-machine gate")
    void theFullRunIsClean() throws IOException {
        BenchResults full = BenchResults.read(RESULTS.resolve("results.json"));
        assertThat(full.rows()).allSatisfy(r -> assertThat(r.forks()).as(r.server() + " " + r.shape().describe()).isGreaterThanOrEqualTo(3));
        assertThat(full.intervalKind()).isEqualTo(BenchResults.IntervalKind.JMH_999);
        assertThat(full.machine().get("loadGate")).isInstanceOfSatisfying(java.util.Map.class,
                gate -> assertThat(gate).containsEntry("passed", true).containsEntry("forced", false));
    }
}
