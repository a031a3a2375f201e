package dev.reactorworkbench.comparisonbench.load;

import dev.reactorworkbench.launcher.Cli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Cli.conventions(new CommandLine(new LoadCommand()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    @DisplayName("a clean run prints a progress line a second and a summary with msgs/s, MB/s and the percentiles; exit 0")
    void cleanRun() throws Exception {
        try (TestEchoServer server = TestEchoServer.echo()) {
            int code = run("--port", String.valueOf(server.port()), "--connections", "4", "--depth", "2",
                    "--payload", "64", "--duration", "2500ms", "--warmup", "0s", "--threads", "2");

            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString())
                    .contains("[measure ")
                    .contains("msgs/s")
                    .contains("MB/s (payload, each way)")
                    .contains("p50 ").contains("p90 ").contains("p99 ").contains("p99.9 ").contains("max ")
                    .contains("errors      none");
            assertThat(err.toString()).isEmpty();
        }
    }

    @Test
    @DisplayName("a failed run exits 1 and names the first error")
    void failedRun() throws Exception {
        TestEchoServer.Behaviour corrupt = (n, payload, o, socket) -> {
            if (n == 10) {
                payload[0] ^= 0x40;
            }
            TestEchoServer.writeFrame(o, payload);
        };
        try (TestEchoServer server = TestEchoServer.start(corrupt)) {
            int code = run("--port", String.valueOf(server.port()), "--connections", "1", "--duration", "10s",
                    "--warmup", "0s", "--max-requests", "100");

            assertThat(code).isEqualTo(LoadCommand.FAILED);
            assertThat(err.toString()).startsWith("load: FAILED: connection 0: the reply to request #10 differs");
            assertThat(out.toString()).contains("FAILED      1 error");
        }
    }

    @Test
    @DisplayName("bad flags exit 2 with the reason")
    void badFlags() {
        assertThat(run("--depth", "0")).isEqualTo(LoadCommand.USAGE);
        assertThat(err.toString()).contains("depth must be in 1..65536, was 0");

        assertThat(run("--duration", "soon")).isEqualTo(LoadCommand.USAGE);
        assertThat(err.toString()).contains("'--duration': must look like 0, 500ms, 30s, 5m or 1h, was 'soon'");

        assertThat(run("--json", "--csv")).isEqualTo(LoadCommand.USAGE);
        assertThat(err.toString()).contains("--json, --csv are mutually exclusive");
    }

    @Test
    @DisplayName("--json prints one JSON object with every figure and the percentile list on stdout, nothing else")
    void json() throws Exception {
        try (TestEchoServer server = TestEchoServer.echo()) {
            int code = run("--port", String.valueOf(server.port()), "--connections", "2", "--depth", "2",
                    "--payload", "32", "--duration", "10s", "--warmup", "0s", "--max-requests", "200", "--json");

            assertThat(code).as(err.toString()).isZero();
            JsonNode json = new ObjectMapper().readTree(out.toString());
            assertThat(json.isObject()).isTrue();
            assertThat(names(json)).containsExactly("host", "port", "loop", "connections", "depth", "payload_bytes",
                    "rate", "threads", "warmup_seconds", "duration_seconds", "measured_seconds", "messages",
                    "msgs_per_second", "megabytes_per_second", "requests_sent", "replies_checked", "latency_count",
                    "latency_mean_us", "latency_min_us", "latency_p50_us", "latency_p90_us", "latency_p99_us",
                    "latency_p999_us", "latency_max_us", "percentiles", "ok", "errors");
            assertThat(json.get("port").asInt()).isEqualTo(server.port());
            assertThat(json.get("loop").asText()).isEqualTo("closed");
            assertThat(json.get("connections").asInt()).isEqualTo(2);
            assertThat(json.get("payload_bytes").asInt()).isEqualTo(32);
            // 2 connections x 200 requests, every reply checked, all of them measured (no warm-up).
            assertThat(json.get("requests_sent").asLong()).isEqualTo(400);
            assertThat(json.get("replies_checked").asLong()).isEqualTo(400);
            assertThat(json.get("messages").asLong()).isEqualTo(400);
            assertThat(json.get("latency_count").asLong()).isEqualTo(400);
            assertThat(json.get("msgs_per_second").asDouble()).isPositive();
            assertThat(json.get("ok").asBoolean()).isTrue();
            assertThat(json.get("errors").isArray()).isTrue();
            assertThat(json.get("errors")).isEmpty();
            JsonNode percentiles = json.get("percentiles");
            assertThat(percentiles.isArray()).isTrue();
            assertThat(percentiles).hasSize(LoadFigures.PERCENTILES.size());
            double previous = 0;
            for (int i = 0; i < percentiles.size(); i++) {
                JsonNode p = percentiles.get(i);
                assertThat(names(p)).containsExactly("percent", "latency_us");
                assertThat(p.get("percent").asDouble()).isEqualTo(LoadFigures.PERCENTILES.get(i));
                assertThat(p.get("latency_us").asDouble()).as("non-decreasing").isGreaterThanOrEqualTo(previous);
                previous = p.get("latency_us").asDouble();
            }
            assertThat(percentiles.get(percentiles.size() - 1).get("latency_us").asDouble())
                    .isEqualTo(json.get("latency_max_us").asDouble());
            // The lines for a person went to stderr.
            assertThat(err.toString()).contains("errors      none");
        }
    }

    @Test
    @DisplayName("--csv prints a header and one row of the same figures, one column per percentile")
    void csv() throws Exception {
        try (TestEchoServer server = TestEchoServer.echo()) {
            int code = run("--port", String.valueOf(server.port()), "--connections", "1", "--duration", "10s",
                    "--warmup", "0s", "--max-requests", "50", "--csv");

            assertThat(code).as(err.toString()).isZero();
            List<String> lines = out.toString().lines().toList();
            assertThat(lines).hasSize(2);
            List<String> header = List.of(lines.get(0).split(","));
            List<String> row = List.of(lines.get(1).split(",", -1));
            assertThat(row).hasSameSizeAs(header);
            assertThat(header).startsWith("host", "port", "loop").contains("p99.9_us", "p99.999_us", "p100_us")
                    .endsWith("ok", "errors");
            assertThat(row.get(header.indexOf("replies_checked"))).isEqualTo("50");
            assertThat(row.get(header.indexOf("ok"))).isEqualTo("true");
        }
    }

    @Test
    @DisplayName("--histogram writes an HdrHistogram log that reads back with every measured latency")
    void histogramLog(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("latency.hlog");
        try (TestEchoServer server = TestEchoServer.echo()) {
            int code = run("--port", String.valueOf(server.port()), "--connections", "1", "--duration", "10s",
                    "--warmup", "0s", "--max-requests", "75", "--histogram", log.toString());

            assertThat(code).as(err.toString()).isZero();
        }
        HistogramLogReader reader = new HistogramLogReader(log.toFile());
        Histogram h = (Histogram) reader.nextIntervalHistogram();
        assertThat(h).isNotNull();
        assertThat(h.getTotalCount()).isEqualTo(75);
        assertThat(reader.nextIntervalHistogram()).isNull();
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
