package dev.reactorworkbench.comparisonbench.jmh;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.Result;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
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
    @DisplayName("the trial setup starts a server and a load, each echo() waits for a batch of checked replies, and the teardown leaves no thread behind")
    void setupMeasureTeardownLeavesNoThread() throws Exception {
        ServerThreads before = ServerThreads.baseline();
        EchoBenchmark b = benchmark("single-thread-reactor", 4);

        b.startServerAndLoad();
        b.startIteration();
        long first = b.echo();
        long second = b.echo();
        b.endIteration();
        Collection<? extends Result> results = new LatencyProfiler().afterIteration(null, null, null);
        b.stopLoadAndServer();

        assertThat(first).isGreaterThanOrEqualTo(EchoBenchmark.BATCH);
        assertThat(second).isGreaterThanOrEqualTo(first).isGreaterThanOrEqualTo(2L * EchoBenchmark.BATCH);
        Map<String, Double> byLabel = results.stream().collect(Collectors.toMap(Result::getLabel, Result::getScore));
        assertThat(byLabel).containsKeys("p50", "p90", "p99", "p99.9", "max", "server.threads", "client.threads");
        assertThat(byLabel.get("p50")).isPositive().isLessThanOrEqualTo(byLabel.get("p99"));
        assertThat(byLabel.get("server.threads")).isGreaterThanOrEqualTo(1.0); // the reactor thread
        assertThat(byLabel.get("client.threads")).isEqualTo(EchoBenchmark.clientThreads(4));
        // Every thread the server and the load started has ended.
        Set<String> left = before.newThreads().stream().map(Thread::getName).collect(Collectors.toSet());
        assertThat(left).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("load-client-"));
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
    @DisplayName("the servers are the models found on the class path plus the reference servers, models first")
    void serversAreDiscovered() {
        assertThat(Servers.names()).contains("single-thread-reactor", "thread-per-connection", "netty-nio");
        assertThat(Servers.names().indexOf("netty-nio")).isGreaterThan(Servers.names().indexOf("single-thread-reactor"));
        assertThatIllegalArgumentException().isThrownBy(() -> Servers.named("no-such-server"))
                .withMessageContaining("netty-nio");
    }
}
