package dev.reactorworkbench.comparisonbench.process;

import dev.reactorworkbench.comparisonbench.load.LoadGenerator;
import dev.reactorworkbench.comparisonbench.load.LoadResult;
import dev.reactorworkbench.comparisonbench.load.LoadSpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerProcessIT {

    @Test
    @DisplayName("serve netty-nio-executor in a child JVM: its port is learnt, it echoes, the kernel counts its calls, "
            + "its own threads are told from the JVM's, and close() leaves no process")
    void startsServesCountsAndStops() throws Exception {
        ServerProcess server = ServerProcess.start("netty-nio-executor", List.of("--threads", "2"), "");
        long pid = server.pid();
        ProcCounters before;
        LoadResult result;
        int threads;
        try {
            before = server.counters();
            result = LoadGenerator.run(LoadSpec.closedLoop("127.0.0.1", server.port(), 2, 1, 64, Duration.ofSeconds(30))
                    .withMaxRequests(500));
            threads = server.serverThreads();
        } finally {
            server.close();
        }
        // The last counters cannot be read once it is gone; read them from the delta taken while it ran.
        assertThat(result.errors()).isEmpty();
        assertThat(result.repliesReceived()).isEqualTo(1_000);
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(before.readCalls()).isPositive();
        // boss + one I/O loop + two executor threads (each connection's events go to one executor).
        assertThat(threads).isBetween(3, 4);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    @DisplayName("the cost of the 1,000 messages is in the kernel's counters: at least one read and one write call per reply batch")
    void countersMoveWithTheLoad() throws Exception {
        try (ServerProcess server = ServerProcess.start("single-thread-reactor", List.of("--threads", "1"), "")) {
            ProcCounters before = server.counters();
            LoadResult result = LoadGenerator.run(LoadSpec.closedLoop("127.0.0.1", server.port(), 1, 1, 64,
                    Duration.ofSeconds(30)).withMaxRequests(1_000));
            ProcCounters.Delta d = ProcCounters.between(before, server.counters());

            assertThat(result.errors()).isEmpty();
            // One connection, one request in flight: every request is its own read and its reply its own write.
            assertThat(d.readCalls()).isGreaterThanOrEqualTo(1_000);
            assertThat(d.writeCalls()).isGreaterThanOrEqualTo(1_000);
            assertThat(d.contextSwitches()).isPositive();
        }
    }

    @Test
    @DisplayName("a server that cannot start is an error carrying what it printed, and no process is left behind")
    void failedStartLeavesNothing() {
        long before = ProcessHandle.current().descendants().count();

        assertThatThrownBy(() -> ServerProcess.start("single-thread-reactor", List.of("--threads", "-1"), ""))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not start")
                .hasMessageContaining("--threads");
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count()).isLessThanOrEqualTo(before);
    }
}
