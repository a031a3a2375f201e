package dev.reactorworkbench.redisinterop;

import dev.reactorworkbench.comparisonbench.load.LoadGenerator;
import dev.reactorworkbench.comparisonbench.load.LoadProtocol;
import dev.reactorworkbench.comparisonbench.load.LoadResult;
import dev.reactorworkbench.comparisonbench.load.LoadSpec;
import dev.reactorworkbench.comparisonbench.redis.RealRedis;
import dev.reactorworkbench.comparisonbench.redis.RedisBenchmarkCommand;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The comparison's RESP side against real Redis: the load mode, and ./workbench redis-benchmark. */
@Timeout(180)
class RespLoadIT {

    @Test
    @DisplayName("the load generator's RESP mode checks every reply of a real redis-server (with and without I/O threads)")
    void loadModeAgainstRealRedis() throws Exception {
        RedisTools.require("redis-server");
        for (int ioThreads : new int[]{1, 2}) {
            try (RealRedis redis = RealRedis.start(ioThreads)) {
                LoadSpec spec = LoadSpec.closedLoop("127.0.0.1", redis.port(), 8, 16, 64, Duration.ofSeconds(60))
                        .withThreads(2).withMaxRequests(2_000).withProtocol(LoadProtocol.RESP);

                LoadResult result = LoadGenerator.run(spec);

                assertThat(result.errors()).as(redis.name()).isEmpty();
                assertThat(result.repliesReceived()).isEqualTo(16_000);
            }
        }
    }

    @Test
    @DisplayName("./workbench redis-benchmark MODEL ARGS prints the model's and real Redis's results side by side")
    void redisBenchmarkCommand() {
        RedisTools.require("redis-benchmark");
        RedisTools.require("redis-server");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new RedisBenchmarkCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).setStopAtPositional(true);

        int code = cli.execute("single-thread-reactor", "-t", "set,get", "-n", "5000", "-c", "10");

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed + err).isZero();
        assertThat(printed).contains("redis-benchmark against single-thread-reactor")
                .contains("redis-benchmark against redis (redis-server pid ");
        // One row per test, with a figure in both columns and their ratio.
        assertThat(printed).containsPattern("(?m)^SET\\s+[\\d,]+\\s+[\\d,]+\\s+\\d+\\.\\d\\d\\s")
                .containsPattern("(?m)^GET\\s+[\\d,]+\\s+[\\d,]+\\s+\\d+\\.\\d\\d\\s");
    }

    @Test
    @DisplayName("./workbench redis-benchmark with an unknown model: one line naming the models, exit code 2")
    void unknownModel() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new RedisBenchmarkCommand(new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8))).setStopAtPositional(true);
        RedisTools.require("redis-benchmark");

        assertThat(cli.execute("no-such-model", "-n", "10")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown model 'no-such-model'").contains("single-thread-reactor");
    }
}
