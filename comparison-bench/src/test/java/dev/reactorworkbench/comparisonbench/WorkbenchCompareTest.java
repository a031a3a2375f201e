package dev.reactorworkbench.comparisonbench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class WorkbenchCompareTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run workbench(String... args) {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        int code = new Workbench(out, err, new CountDownLatch(1), false).execute(args);
        return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("compare --quick for one model: a JMH fork measures it, the table has its row, the results and the report are written")
    void quickCompareOfOneModel() throws Exception {
        Path results = dir.resolve("results");
        Path report = dir.resolve("report");

        Run run = workbench("compare", "--quick", "--servers", "single-thread-reactor", "--no-memory",
                "--results", results.toString(), "--out", report.toString());

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("[  1/1").contains("thread split:")
                .contains("### 64 connections x 64 B x work 0 µs")
                .containsPattern("\\| single-thread-reactor \\| [^|]+ \\| [0-9,]+ \\[[0-9,]+–[0-9,]+] \\|")
                .contains("noise: median half-width of the msgs/s intervals")
                .contains("compare took");
        assertThat(Files.readString(results.resolve("results.json"))).contains("\"machine\"").contains("\"cores\"")
                .contains("\"threadSplit\"").contains("EchoBenchmark.echo");
        assertThat(report.resolve("index.html")).isRegularFile();
        assertThat(report.resolve("report.md")).isRegularFile();
        assertThat(report.resolve("charts/throughput-p64-w0.svg")).isRegularFile();
        assertThat(Files.readString(report.resolve("index.html"))).contains("<img src=\"charts/throughput-p64-w0.svg\"");
    }

    @Test
    @DisplayName("compare refuses an unknown server by name and lists the ones there are")
    void unknownServer() {
        Run run = workbench("compare", "--quick", "--servers", "no-such-server");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("unknown server 'no-such-server'").contains("netty-nio");
    }

    @Test
    @DisplayName("report with a missing file says so in one line")
    void reportMissingFile() {
        Run run = workbench("report", dir.resolve("nope.json").toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("report: no such file");
    }
}
