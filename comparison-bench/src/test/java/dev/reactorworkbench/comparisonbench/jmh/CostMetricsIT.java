package dev.reactorworkbench.comparisonbench.jmh;

import dev.reactorworkbench.comparisonbench.process.Pinning;
import dev.reactorworkbench.comparisonbench.report.ReportJson;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The cost figures come from real deltas of the server process: a stub server that burns a known
 * CPU time per message ({@code test-cpu-burner}, 2 ms of thread CPU per message) must be measured
 * at that figure, within 20 %, through a real JMH run (fork, server process, secondary metrics).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class CostMetricsIT {

    private static final int BURN_MICROS = 2_000;

    @TempDir
    Path dir;

    @Test
    @DisplayName("a server burning 2 ms of CPU per message is measured at 2 ms per message (within 20 %) by server.cpu.us/msg")
    @SuppressWarnings("unchecked")
    void knownCpuPerMessageIsMeasured() throws Exception {
        Sweep sweep = new Sweep(List.of("test-cpu-burner"), List.of(new Shape(1, 64, BURN_MICROS)), false, 1, 1, 1, 3, 1,
                "custom", Pinning.NONE, List.of(), "echo");
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();

        List<String> failed = sweep.run(dir.resolve("jmh.json"), dir.resolve("jmh.log"),
                new PrintStream(terminal, true, StandardCharsets.UTF_8));

        assertThat(failed).as(terminal.toString(StandardCharsets.UTF_8)).isEmpty();
        List<Object> results = (List<Object>) ReportJson.plain(Files.readString(dir.resolve("jmh.json")));
        assertThat(results).hasSize(1);
        Map<String, Object> result = (Map<String, Object>) results.getFirst();
        assertThat((Map<String, Object>) result.get("params")).containsEntry("model", "test-cpu-burner")
                .containsEntry("threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
        Map<String, Object> secondary = (Map<String, Object>) result.get("secondaryMetrics");
        double cpu = score(secondary, "server.cpu.us/msg");
        System.out.printf("test-cpu-burner at %d us of CPU per message: measured server.cpu.us/msg %.1f, writes/msg %.2f, "
                + "cs/msg %.2f, client.cpu.us/msg %.1f%n", BURN_MICROS, cpu, score(secondary, "server.writes/msg"),
                score(secondary, "server.cs/msg"), score(secondary, "client.cpu.us/msg"));
        assertThat(cpu).as("server CPU per message").isCloseTo(BURN_MICROS, within(0.2 * BURN_MICROS));
        // One connection, one message at a time: a write per reply, and the client's own CPU is its own.
        assertThat(score(secondary, "server.writes/msg")).isCloseTo(1.0, within(0.2));
        assertThat(score(secondary, "client.cpu.us/msg")).isPositive().isLessThan(cpu);
        assertThat(score(secondary, "server.cs/msg")).isPositive();
    }

    @SuppressWarnings("unchecked")
    private static double score(Map<String, Object> secondary, String name) {
        assertThat(secondary).containsKey(name);
        return ((Number) ((Map<String, Object>) secondary.get(name)).get("score")).doubleValue();
    }
}
