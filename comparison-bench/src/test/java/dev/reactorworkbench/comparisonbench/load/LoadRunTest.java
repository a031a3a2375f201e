package dev.reactorworkbench.comparisonbench.load;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadRunTest {

    private static final String HOST = "127.0.0.1";

    @AfterEach
    void noClientThreadOutlivesItsRun() {
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("load-client-") && t.isAlive());
    }

    /** Waits (bounded) until the run has at least {@code n} replies. */
    private static void awaitReplies(LoadRun run, long n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (run.repliesReceived() < n && !run.failed() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    @Test
    @DisplayName("a run planned for an hour can be sampled while it goes and finished early, with every reply accounted for")
    void sampleThenFinishEarly() throws Exception {
        try (TestEchoServer server = TestEchoServer.echo()) {
            LoadRun run = LoadGenerator.start(LoadSpec.closedLoop(HOST, server.port(), 4, 2, 32, Duration.ofHours(1))
                    .withThreads(2));
            assertThat(run.failed()).isFalse();

            awaitReplies(run, 500);
            Histogram first = run.takeLatency();
            awaitReplies(run, run.repliesReceived() + 200);
            Histogram second = run.takeLatency();
            LoadResult result = run.finish();

            assertThat(result.errors()).isEmpty();
            assertThat(first.getTotalCount()).isGreaterThanOrEqualTo(500);
            assertThat(second.getTotalCount()).isGreaterThanOrEqualTo(200);
            // Finishing stops sending and waits for every reply owed: nothing is left in flight.
            assertThat(result.repliesReceived()).isEqualTo(result.requestsSent());
            assertThat(server.requests()).isEqualTo(result.requestsSent());
            assertThat(result.measured()).isLessThan(Duration.ofMinutes(1));
            assertThat(run.finish()).isSameAs(result);
        }
    }

    @Test
    @DisplayName("a corrupted reply marks the running load as failed at once, and its result names it")
    void corruptedReplyFailsTheRun() throws Exception {
        TestEchoServer.Behaviour corruptHundredth = (n, payload, out, socket) -> {
            byte[] reply = payload.clone();
            if (n == 100) {
                reply[3] ^= 1;
            }
            TestEchoServer.writeFrame(out, reply);
        };
        try (TestEchoServer server = TestEchoServer.start(corruptHundredth)) {
            LoadRun run = LoadGenerator.start(LoadSpec.closedLoop(HOST, server.port(), 2, 1, 16, Duration.ofHours(1)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!run.failed() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(1_000_000);
            }

            assertThat(run.failed()).isTrue();
            assertThat(run.errors()).isNotEmpty();
            LoadResult result = run.finish();
            assertThat(result.ok()).isFalse();
            assertThat(result.firstError()).contains("differs from the request at payload byte 3 of 16");
        }
    }

    @Test
    @DisplayName("a run that cannot connect comes back already failed, and finishing it returns that failure")
    void cannotConnect() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LoadRun run = LoadGenerator.start(LoadSpec.closedLoop(HOST, port, 1, 1, 8, Duration.ofHours(1)));

        assertThat(run.failed()).isTrue();
        assertThat(run.finish().firstError()).contains("cannot connect");
        assertThat(run.repliesReceived()).isZero();
    }
}
