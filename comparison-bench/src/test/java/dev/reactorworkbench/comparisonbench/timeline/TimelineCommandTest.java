package dev.reactorworkbench.comparisonbench.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reactorworkbench.comparisonbench.report.ReportJson;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class TimelineCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new CommandLine(new TimelineCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("no model and no --all, an unknown model, a window longer than half the run: usage errors that say what to do")
    void usageErrors() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).contains("name one MODEL, or --all");
        assertThat(run("no-such-model")).isEqualTo(2);
        assertThat(err()).contains("unknown model 'no-such-model'").contains("single-thread-reactor");
        assertThat(run("single-thread-reactor", "--duration", "300ms", "--window", "200ms")).isEqualTo(2);
        assertThat(err()).contains("--window must be 10us to half of --duration (150ms), was 200000us");
        assertThat(run("single-thread-reactor", "--connections", "0")).isEqualTo(2);
        assertThat(err()).contains("--connections must be 1 to 1024, was 0");
    }

    @Test
    @DisplayName("a model's run writes its page, its SVG and its JSON with the counts per thread")
    void writesFiles(@TempDir Path dir) throws Exception {
        int code = run("single-thread-reactor", "--duration", "150ms", "--window", "1ms", "--out", dir.toString());
        assertThat(code).as(err()).isZero();
        assertThat(dir.resolve("single-thread-reactor.html")).exists();
        assertThat(Files.readString(dir.resolve("single-thread-reactor.svg"))).startsWith("<svg");
        JsonNode json = ReportJson.tree(Files.readString(dir.resolve("single-thread-reactor.json")));
        assertThat(json.path("threads").path("reactor").path("Handle").asLong()).isPositive();
        assertThat(json.path("window").path("micros").asLong()).isEqualTo(1000);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("single-thread-reactor: ").contains(".html");
    }
}
