package dev.reactorworkbench.comparisonbench.load;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new LoadCommand());
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
                    .contains("msg/s")
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
        assertThat(err.toString()).contains("'soon' is not a time like 500ms, 10s or 2m");
    }
}
