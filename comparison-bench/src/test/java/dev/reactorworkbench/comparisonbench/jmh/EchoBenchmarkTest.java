package dev.reactorworkbench.comparisonbench.jmh;

import dev.reactorworkbench.comparisonbench.process.Pinning;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EchoBenchmarkTest {

    private static EchoBenchmark benchmark(String model, int connections) {
        EchoBenchmark b = new EchoBenchmark();
        b.model = model;
        b.connections = connections;
        b.payload = 64;
        b.work = 0;
        return b;
    }

    @Test
    @DisplayName("run without a model parameter, the setup says which servers there are instead of measuring nothing")
    void noModelGivenFailsClearly() {
        EchoBenchmark b = benchmark(EchoBenchmark.NO_MODEL, 1);

        assertThatIllegalArgumentException().isThrownBy(b::startServerAndLoad)
                .withMessageContaining("-p model=")
                .withMessageContaining("netty-nio")
                .withMessageContaining("single-thread-reactor");
    }

    @Test
    @DisplayName("an unknown server name fails in the setup, with the list, before any process starts")
    void unknownModelFailsBeforeStarting() {
        EchoBenchmark b = benchmark("no-such-server", 1);

        assertThatIllegalArgumentException().isThrownBy(b::startServerAndLoad)
                .withMessageContaining("unknown server 'no-such-server'")
                .withMessageContaining("netty-nio-executor");
    }

    @Test
    @DisplayName("the servers are the models found on the class path plus the reference servers, models first")
    void serversAreDiscovered() {
        assertThat(Servers.names()).contains("single-thread-reactor", "thread-per-connection", "netty-nio", "netty-nio-executor");
        assertThat(Servers.names().indexOf("netty-nio")).isGreaterThan(Servers.names().indexOf("single-thread-reactor"));
        assertThatIllegalArgumentException().isThrownBy(() -> Servers.named("no-such-server"))
                .withMessageContaining("netty-nio");
    }

    @Test
    @DisplayName("the server's flags: --threads resolved to the cores when 0, the work, no idle timeout, room for every connection")
    void serverFlags() {
        assertThat(EchoBenchmark.serverFlags(64, 20, 0)).containsExactly("--threads",
                String.valueOf(Runtime.getRuntime().availableProcessors()), "--work", "20", "--idle-timeout", "0",
                "--max-connections", "10000");
        assertThat(EchoBenchmark.serverFlags(20_000, 0, 1)).containsSubsequence("--threads", "1")
                .containsSubsequence("--max-connections", "20100");
    }

    @Test
    @DisplayName("the sweep is a list of shapes, not every combination, with the twin row of netty-nio at one thread beside each")
    void sweepPointsAndTwins() {
        Sweep full = Sweep.full(List.of("single-thread-reactor", "netty-nio"));
        int cores = Runtime.getRuntime().availableProcessors();

        assertThat(full.shapes()).hasSize(5).contains(new Shape(64, 64, 0), new Shape(1024, 4096, 0), new Shape(1, 64, 0));
        assertThat(full.forks()).isGreaterThanOrEqualTo(3);
        if (cores > 1) {
            assertThat(full.points()).hasSize(10)
                    .contains(new Sweep.Point(List.of("netty-nio"), new Shape(1024, 64, 20), 1))
                    .contains(new Sweep.Point(List.of("single-thread-reactor", "netty-nio"), new Shape(1024, 64, 20), cores));
            assertThat(full.benchmarks()).isEqualTo(15);
        }
        assertThat(full.trials()).isEqualTo(full.benchmarks() * full.forks());
        assertThat(full.estimatedSeconds()).isEqualTo(full.trials() * (Sweep.TRIAL_OVERHEAD_SECONDS + 2 + 6 * 1.5));
        // No netty-nio among the servers: no twin row.
        assertThat(Sweep.quick(List.of("single-thread-reactor")).points()).hasSize(1);
        Map<String, Object> settings = full.describe();
        assertThat(settings).containsEntry("forks", 3).containsEntry("warmup", "2 x 1 s")
                .containsEntry("measurement", "6 x 1.5 s").containsEntry("mode", "full");
        assertThat(Sweep.quick(List.of("netty-nio")).describe()).containsEntry("mode", "quick").containsEntry("forks", 1);
        assertThat((String) settings.get("threadSplit")).contains("process of its own").contains("pinning: none");
    }

    @Test
    @DisplayName("with RESP, real Redis runs at the work-0 loads only (it has no handler to give work to); the models at every load")
    void realRedisRowsOnlyAtWorkZero() {
        Sweep resp = Sweep.full(List.of("redis6-io-threads", "redis")).withProtocol("resp")
                .withShapes(Shape.grid(List.of(64, 1024), List.of(64), List.of(0, 20)));
        int cores = Runtime.getRuntime().availableProcessors();

        assertThat(resp.points()).containsExactly(
                new Sweep.Point(List.of("redis6-io-threads", "redis"), new Shape(64, 64, 0), cores),
                new Sweep.Point(List.of("redis6-io-threads"), new Shape(64, 64, 20), cores),
                new Sweep.Point(List.of("redis6-io-threads", "redis"), new Shape(1024, 64, 0), cores),
                new Sweep.Point(List.of("redis6-io-threads"), new Shape(1024, 64, 20), cores));
        assertThat(resp.benchmarks()).isEqualTo(6);
        // Real Redis alone at a load with work: nothing to run there.
        assertThat(Sweep.full(List.of("redis")).withShapes(List.of(new Shape(64, 64, 20))).points()).isEmpty();
    }

    @Test
    @DisplayName("a pipelined load is a shape of its own: --depth makes the combinations, JMH is given the depth, the name says it")
    void pipelinedShapes() {
        assertThat(Shape.grid(List.of(64), List.of(64), List.of(0), List.of(1, 16)))
                .containsExactly(new Shape(64, 64, 0), new Shape(64, 64, 0, 16));
        assertThat(new Shape(64, 64, 0, 16)).hasToString("64 x 64 B x 0 us x depth 16");
        assertThat(new Shape(64, 64, 0)).hasToString("64 x 64 B x 0 us");
        assertThatIllegalArgumentException().isThrownBy(() -> new Shape(64, 64, 0, 0)).withMessageContaining("depth 1..");
        assertThatIllegalArgumentException().isThrownBy(() -> new Shape(64, 64, 0, Shape.MAX_DEPTH + 1))
                .withMessageContaining("depth " + (Shape.MAX_DEPTH + 1));

        Sweep sweep = Sweep.quick(List.of("single-thread-reactor")).withShapes(List.of(new Shape(64, 64, 0, 16)));
        Sweep.Point point = sweep.points().getFirst();
        var options = sweep.options(point, java.nio.file.Path.of("unused.json"));
        assertThat(options.getParameter("depth").get()).containsExactly("16");
        assertThat(options.getParameter("connections").get()).containsExactly("64");
        assertThat((String) sweep.describe().get("shapes")).contains("64 x 64 B x 0 us x depth 16");
        // A depth-1 load still says depth 1 to JMH (the benchmark's default is not relied upon).
        assertThat(Sweep.quick(List.of("netty-nio")).options(Sweep.quick(List.of("netty-nio")).points().getFirst(),
                java.nio.file.Path.of("unused.json")).getParameter("depth").get()).containsExactly("1");
    }

    @Test
    @DisplayName("--connections/--payload/--work make every combination; a bad shape or bad JMH arguments say what is wrong")
    void shapesAndJmhArgs() {
        assertThat(Shape.grid(List.of(1, 64), List.of(64), List.of(0, 20))).containsExactly(new Shape(1, 64, 0),
                new Shape(1, 64, 20), new Shape(64, 64, 0), new Shape(64, 64, 20));
        assertThatIllegalArgumentException().isThrownBy(() -> new Shape(0, 64, 0)).withMessageContaining("connections >= 1");
        Sweep.checkJmhArgs(List.of("-prof", "gc"));
        assertThatIllegalArgumentException().isThrownBy(() -> Sweep.checkJmhArgs(List.of("-no-such-jmh-flag")))
                .withMessageContaining("JMH does not take");
        assertThatIllegalArgumentException().isThrownBy(() -> new Pinning("1;2", ""))
                .withMessageContaining("--server-cpus must be a CPU list");
    }
}
