package dev.reactorworkbench.comparisonbench;

import dev.reactorworkbench.comparisonbench.report.ReportJson;
import dev.reactorworkbench.comparisonbench.redis.RedisBinaries;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./workbench compare --quick} end to end: JMH forks, server processes, open loop, report. */
@Timeout(300)
class WorkbenchCompareIT {

    @TempDir
    Path dir;

    /**
     * A row of the report's table: server, threads, msgs/s with its interval, twin, the two
     * ratios, then the four server costs per message and the client's CPU, each with its interval.
     */
    private static String costRow(String server, int threads) {
        String figure = " [0-9.,]+ \\[[0-9.,]+–[0-9.,]+] \\|";
        return "\\| " + server + " \\| " + threads + " \\|" + figure + "(?:[^|]*\\|){3}" + figure.repeat(5);
    }

    @Test
    @DisplayName("compare --quick for a model and netty-nio: the rows with the twin, the cost per message, the results with "
            + "the gate and the pinning, latency.json from the open loop at the same rate for both, JMH arguments after --")
    @SuppressWarnings("unchecked")
    void quickCompare() throws Exception {
        Path results = dir.resolve("results");
        Path report = dir.resolve("report");

        WorkbenchRun run = WorkbenchRun.of("compare", "--quick", "--servers", "single-thread-reactor,netty-nio", "--no-memory",
                "--results", results.toString(), "--out", report.toString(), "--", "-prof", "gc");

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("[  1/3").contains("thread split:").contains("estimated duration: about")
                .contains("quiet-machine gate:").contains("1 fork(s) per point")
                // The report's table: a row per server with msgs/s and its interval, the four server
                // figures and the client's CPU, for the model and both netty-nio rows (N threads, and 1).
                .containsPattern(costRow("single-thread-reactor", Runtime.getRuntime().availableProcessors()))
                .containsPattern(costRow("netty-nio", Runtime.getRuntime().availableProcessors()))
                .containsPattern(costRow("netty-nio \\(1 thread\\)", 1))
                .contains("compare took");
        Map<String, Object> doc = (Map<String, Object>) ReportJson.plain(Files.readString(results.resolve("results.json")));
        Map<String, Object> machine = (Map<String, Object>) doc.get("machine");
        assertThat((Map<String, Object>) machine.get("loadGate")).containsKeys("threshold", "loadAtStart", "cores")
                .containsEntry("forced", false);
        assertThat((String) machine.get("pinning")).startsWith("none");
        Map<String, Object> settings = (Map<String, Object>) doc.get("settings");
        assertThat(settings).containsEntry("mode", "quick").containsKeys("warmup", "measurement");
        assertThat(((Number) settings.get("forks")).intValue()).isEqualTo(1);
        List<Map<String, Object>> jmh = (List<Map<String, Object>>) doc.get("jmh");
        assertThat(jmh).hasSize(3);
        assertThat(jmh).extracting(r -> ((Map<String, Object>) r.get("params")).get("threads"))
                .contains("1", String.valueOf(Runtime.getRuntime().availableProcessors()));
        for (Map<String, Object> r : jmh) {
            assertThat((Map<String, Object>) r.get("secondaryMetrics")).containsKeys("server.cpu.us/msg",
                    "server.reads/msg", "server.writes/msg", "server.cs/msg", "client.cpu.us/msg", "p99", "gc.alloc.rate");
        }
        Map<String, Object> latency = (Map<String, Object>) ReportJson.plain(Files.readString(results.resolve("latency.json")));
        List<Map<String, Object>> runs = (List<Map<String, Object>>) latency.get("runs");
        assertThat(runs).hasSize(4).allSatisfy(r -> assertThat(r).containsKeys("server", "offeredPerSec", "achievedPerSec",
                "percentilesUs", "histogram", "errors").containsEntry("capacityServer", "netty-nio"));
        assertThat(runs.stream().filter(r -> r.get("loadFraction").equals(0.5)).map(r -> r.get("offeredPerSec")).distinct())
                .as("the same offered rate for every server").hasSize(1);
        assertThat(report.resolve("index.html")).isRegularFile();
        assertThat(report.resolve("report.md")).isRegularFile();
    }

    @Test
    @DisplayName("compare --quick --protocol resp: the model with --codec resp and real redis-server as the rows redis and "
            + "redis-io-threads, each with its cost per message; no Netty rows, no open loop")
    @SuppressWarnings("unchecked")
    void quickCompareInResp() throws Exception {
        Assumptions.assumeTrue(RedisBinaries.find("redis-server").isPresent(), RedisBinaries.missing("redis-server"));
        Path results = dir.resolve("results");

        WorkbenchRun run = WorkbenchRun.of("compare", "--quick", "--protocol", "resp", "--servers", "single-thread-reactor,redis,redis-io-threads",
                "--results", results.toString(), "--out", dir.resolve("report").toString());

        assertThat(run.code()).as(run.err() + run.out()).isZero();
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(run.out()).contains("open loop: 0 runs").contains("memory: off")
                .containsPattern(costRow("single-thread-reactor", cores))
                .containsPattern(costRow("redis", cores))
                .containsPattern(costRow("redis-io-threads", cores))
                .doesNotContain("| netty-nio |");
        Map<String, Object> doc = (Map<String, Object>) ReportJson.plain(Files.readString(results.resolve("results.json")));
        List<Map<String, Object>> jmh = (List<Map<String, Object>>) doc.get("jmh");
        assertThat(jmh).hasSize(3).allSatisfy(r -> assertThat((Map<String, Object>) r.get("params"))
                .containsEntry("protocol", "resp"));
        assertThat(results.resolve("latency.json")).doesNotExist();
    }
}
