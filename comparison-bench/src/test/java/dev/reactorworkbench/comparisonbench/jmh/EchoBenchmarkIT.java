package dev.reactorworkbench.comparisonbench.jmh;

import dev.reactorworkbench.comparisonbench.process.ServerProcess;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.Result;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The trial of {@link EchoBenchmark}, driven by hand as JMH's fork would: setup, iterations, teardown. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoBenchmarkIT {

    /** The state JMH would build: the single reactor at one thread, 64 B, no work. */
    private static EchoBenchmark singleReactorTrial(int connections, int depth) {
        EchoBenchmark b = new EchoBenchmark();
        b.model = "single-thread-reactor";
        b.connections = connections;
        b.payload = 64;
        b.work = 0;
        b.depth = depth;
        b.threads = 1;
        return b;
    }

    @Test
    @DisplayName("a trial's server is a process of its own, not this JVM; it is gone after the trial, and each iteration "
            + "publishes msgs, latency and the kernel's cost per message")
    void serverIsASeparateProcessGoneAfterTheTrial() throws Exception {
        EchoBenchmark b = singleReactorTrial(4, 1);

        b.startServerAndLoad();
        ServerProcess server = b.serverProcess();
        long pid = server.pid();
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        boolean aliveDuringTrial = handle.map(ProcessHandle::isAlive).orElse(false);
        String command = handle.flatMap(h -> h.info().commandLine()).orElse("");
        b.startIteration();
        long first = b.echo();
        long second = b.echo();
        b.endIteration();
        Collection<? extends Result> results = new LatencyProfiler().afterIteration(null, null, null);
        b.stopLoadAndServer();

        // 1. Another process, started with the command a user types, alive during the trial ...
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(aliveDuringTrial).isTrue();
        assertThat(command).contains(ServerProcess.WORKBENCH_MAIN + " serve single-thread-reactor")
                .contains("--port 0").contains("--threads 1");
        // 2. ... and gone after it.
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(server.isAlive()).isFalse();
        // 3. The replies were counted and every figure was published.
        assertThat(first).isGreaterThanOrEqualTo(EchoBenchmark.BATCH);
        assertThat(second).isGreaterThanOrEqualTo(2L * EchoBenchmark.BATCH);
        Map<String, Double> byLabel = results.stream().collect(Collectors.toMap(Result::getLabel, Result::getScore));
        assertThat(byLabel).containsKeys("p50", "p90", "p99", "p99.9", "max", "server.threads", "client.threads",
                "server.cpu.us/msg", "server.reads/msg", "server.writes/msg", "server.cs/msg", "client.cpu.us/msg");
        assertThat(byLabel.get("p50")).isPositive().isLessThanOrEqualTo(byLabel.get("p99"));
        assertThat(byLabel.get("server.threads")).isEqualTo(1.0); // the reactor thread, the JVM's own left out
        assertThat(byLabel.get("client.threads")).isEqualTo(EchoBenchmark.clientThreads(4));
        // A reactor reads and writes each message at least once per batch of them: counts, not timings.
        assertThat(byLabel.get("server.reads/msg")).isPositive();
        assertThat(byLabel.get("server.writes/msg")).isPositive();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("load-client-"));
    }

    @Test
    @DisplayName("a pipelined trial gives the load generator its depth, and every reply is still counted and checked")
    void pipelinedTrial() throws Exception {
        EchoBenchmark b = singleReactorTrial(2, 16);

        b.startServerAndLoad();
        try {
            assertThat(b.loadSpec().depth()).isEqualTo(16);
            assertThat(b.loadSpec().connections()).isEqualTo(2);
            b.startIteration();
            long first = b.echo();
            long second = b.echo();
            b.endIteration();
            assertThat(first).isGreaterThanOrEqualTo(EchoBenchmark.BATCH);
            assertThat(second).isGreaterThanOrEqualTo(2L * EchoBenchmark.BATCH);
        } finally {
            b.stopLoadAndServer(); // throws if any reply failed its check
        }
        new LatencyProfiler().afterIteration(null, null, null); // leaves nothing published for the next test
    }
}
