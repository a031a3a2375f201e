package dev.reactorworkbench.comparisonbench.report;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReportCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @DisplayName("report reads latency.json and memory.json beside the results, and --baseline adds the change column")
    void reportWithCompanionsAndBaseline() throws Exception {
        Fixtures f = Fixtures.standard().run("single-thread-reactor", 64, 0.5, 10_000, 10_000, 0, 1_000, i -> 100_000 + i);
        Path results = dir.resolve("run/results.json");
        Files.createDirectories(results.getParent());
        Files.writeString(results, f.resultsJson());
        Files.writeString(dir.resolve("run/latency.json"), f.latencyJson());
        Files.writeString(dir.resolve("run/memory.json"), "{\"rows\": [{\"server\": \"netty-nio\", \"connections\": 1000, "
                + "\"heapPerConnectionBytes\": 2100, \"rssPerConnectionBytes\": 1400, \"threadsBefore\": 7, \"threadsAfter\": 9}]}");
        Path old = dir.resolve("old.json");
        Files.writeString(old, new Fixtures().row("single-thread-reactor", 2, 64, 64, 0, 20_000, 19_000, 21_000, 20).resultsJson());
        Path out = dir.resolve("out");

        Run r = run(new ReportCommand(), results.toString(), "--baseline", old.toString(), "--out", out.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("vs baseline").contains("1.50x [1.38x–1.63x] **real**")
                .contains("| netty-nio | 1,000 | 2,100 B | 1,400 B | 7 | 9 |")
                .contains("noise: median half-width of the msgs/s intervals 5.0 %");
        assertThat(out.resolve("charts/latency-open-c64-p64-w0-load50.svg")).isRegularFile();
        assertThat(Files.readString(out.resolve("report.md"))).contains("**vs baseline**: msgs/s divided by the same row's in " + old);
    }

    @Test
    @DisplayName("a baseline that is not a results file is refused with the flag's name")
    void badBaseline() throws Exception {
        Path results = dir.resolve("results.json");
        Files.writeString(results, Fixtures.standard().resultsJson());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"rows\": []}");

        Run r = run(new ReportCommand(), results.toString(), "--baseline", bad.toString(), "--out", dir.resolve("out").toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("report: --baseline " + bad).contains("\"jmh\" array");
    }

    @Test
    @DisplayName("compare --baseline with a missing file stops before benchmarking anything")
    void compareChecksTheBaselineFirst() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        Run r = run(new CompareCommand(new PrintStream(terminal, true, StandardCharsets.UTF_8)), "--quick",
                "--baseline", dir.resolve("nope.json").toString(), "--results", dir.resolve("results").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("compare: --baseline").contains("no such file");
        assertThat(terminal.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(dir.resolve("results")).doesNotExist();
    }
}
