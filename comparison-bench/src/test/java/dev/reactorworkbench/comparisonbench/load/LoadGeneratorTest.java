package dev.reactorworkbench.comparisonbench.load;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadGeneratorTest {

    private static final String HOST = "127.0.0.1";
    private static final long MS = 1_000_000L;

    @AfterEach
    void noClientThreadOutlivesItsRun() {
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("load-client-") && t.isAlive());
    }

    // --- a correct server ----------------------------------------------------------------------

    @Test
    @DisplayName("closed loop: every connection sends exactly its requests and every reply checks out")
    void closedLoopCompletesWithExactCounts() throws Exception {
        try (TestEchoServer server = TestEchoServer.echo()) {
            LoadSpec spec = LoadSpec.closedLoop(HOST, server.port(), 4, 8, 100, Duration.ofSeconds(30))
                    .withThreads(2).withMaxRequests(500);

            LoadResult result = LoadGenerator.run(spec);

            assertThat(result.errors()).isEmpty();
            assertThat(result.requestsSent()).isEqualTo(2_000);
            assertThat(result.repliesReceived()).isEqualTo(2_000);
            assertThat(result.latency().getTotalCount()).isEqualTo(2_000);
            assertThat(result.measuredRequests()).isEqualTo(2_000);
            assertThat(server.requests()).isEqualTo(2_000);
            assertThat(result.messages()).isEqualTo(2_000);
            assertThat(result.payloadBytes()).isEqualTo(2_000L * 100);
        }
    }

    @Test
    @DisplayName("open loop: exactly rate x duration requests are due, sent and answered")
    void openLoopSendsTheScheduledCount() throws Exception {
        try (TestEchoServer server = TestEchoServer.echo()) {
            LoadSpec spec = LoadSpec.openLoop(HOST, server.port(), 4, 16, 33, 2_000, Duration.ofSeconds(1))
                    .withThreads(2);

            LoadResult result = LoadGenerator.run(spec);

            assertThat(result.errors()).isEmpty();
            assertThat(result.measuredRequests()).isEqualTo(2_000);
            assertThat(result.requestsSent()).isEqualTo(2_000);
            assertThat(result.repliesReceived()).isEqualTo(2_000);
            assertThat(result.latency().getTotalCount()).isEqualTo(2_000);
            assertThat(server.requests()).isEqualTo(2_000);
        }
    }

    @Test
    @DisplayName("payloads larger than the client's write buffer, and empty payloads, echo intact")
    void largeAndEmptyPayloads() throws Exception {
        try (TestEchoServer server = TestEchoServer.echo()) {
            LoadResult large = LoadGenerator.run(LoadSpec.closedLoop(HOST, server.port(), 2, 3, 300_001,
                    Duration.ofSeconds(30)).withMaxRequests(10));
            LoadResult empty = LoadGenerator.run(LoadSpec.closedLoop(HOST, server.port(), 2, 4, 0,
                    Duration.ofSeconds(30)).withMaxRequests(50));

            assertThat(large.errors()).isEmpty();
            assertThat(large.repliesReceived()).isEqualTo(20);
            assertThat(empty.errors()).isEmpty();
            assertThat(empty.repliesReceived()).isEqualTo(100);
        }
    }

    @Test
    @DisplayName("warm-up replies are checked but not measured")
    void warmupIsNotMeasured() throws Exception {
        try (TestEchoServer server = TestEchoServer.echo()) {
            LoadSpec spec = LoadSpec.closedLoop(HOST, server.port(), 2, 2, 16, Duration.ofMillis(300))
                    .withWarmup(Duration.ofMillis(300));

            LoadResult result = LoadGenerator.run(spec);

            assertThat(result.errors()).isEmpty();
            assertThat(result.latency().getTotalCount()).isPositive()
                    .isLessThan(result.repliesReceived());
            assertThat(result.repliesReceived()).isEqualTo(result.requestsSent());
            assertThat(result.measured()).isEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    @DisplayName("progress is reported while the run goes on")
    void progressIsReported() throws Exception {
        try (TestEchoServer server = TestEchoServer.echo()) {
            List<LoadProgress> reports = new ArrayList<>();
            LoadSpec spec = LoadSpec.closedLoop(HOST, server.port(), 1, 1, 8, Duration.ofMillis(2_200));

            LoadResult result = LoadGenerator.run(spec, reports::add);

            assertThat(result.errors()).isEmpty();
            assertThat(reports).hasSizeGreaterThanOrEqualTo(2);
            assertThat(reports.getFirst().phase()).isEqualTo(LoadProgress.Phase.MEASURE);
            assertThat(reports.getLast().repliesReceived()).isPositive();
            assertThat(reports.getFirst().line()).contains("msgs/s").contains("p99");
        }
    }

    // --- coordinated omission ------------------------------------------------------------------

    @Test
    @DisplayName("open loop: a 200 ms stall shows in the max and in the tail, measured from the due times")
    void openLoopMeasuresFromTheSchedule() throws Exception {
        TestEchoServer.Behaviour stallOnce = (n, payload, out, socket) -> {
            if (n == 500) {
                out.flush();
                Thread.sleep(200); // the one stall: every request due meanwhile waits behind it
            }
            TestEchoServer.writeFrame(out, payload);
        };
        try (TestEchoServer server = TestEchoServer.start(stallOnce)) {
            LoadSpec spec = LoadSpec.openLoop(HOST, server.port(), 1, 8, 32, 2_000, Duration.ofSeconds(2));

            LoadResult result = LoadGenerator.run(spec);

            assertThat(result.errors()).isEmpty();
            assertThat(result.latency().getTotalCount()).isEqualTo(4_000);
            // The reply to request 500 left the server at least 200 ms after its request arrived.
            assertThat(result.maxNanos()).isGreaterThanOrEqualTo(200 * MS);
            // Every request due in the first 100 ms of the stall (about 200 of 4,000, i.e. 5 %)
            // could not be answered before the stall ended: at least 100 ms each, counted from
            // when it was due even though the client could not send most of them until later.
            assertThat(result.p999Nanos()).isGreaterThanOrEqualTo(100 * MS);
            assertThat(result.latency().getCountBetweenValues(100 * MS, Long.MAX_VALUE / 2))
                    .isGreaterThanOrEqualTo(150);
        }
    }

    // --- a faulty server fails the run loudly --------------------------------------------------

    @Test
    @DisplayName("a reply dropped in the middle of a pipeline is reported as missing")
    void droppedReplyInThePipeline() throws Exception {
        TestEchoServer.Behaviour dropOne = (n, payload, out, socket) -> {
            if (n != 100) {
                TestEchoServer.writeFrame(out, payload);
            }
        };
        try (TestEchoServer server = TestEchoServer.start(dropOne)) {
            LoadSpec spec = LoadSpec.closedLoop(HOST, server.port(), 1, 4, 64, Duration.ofSeconds(30))
                    .withMaxRequests(1_000);

            LoadResult result = LoadGenerator.run(spec);

            assertThat(result.ok()).isFalse();
            assertThat(result.firstError())
                    .contains("connection 0: the reply to request #100 is missing")
                    .contains("carries request #101");
        }
    }

    @Test
    @DisplayName("a last reply that never comes is reported after the drain")
    void droppedLastReply() throws Exception {
        TestEchoServer.Behaviour dropLast = (n, payload, out, socket) -> {
            if (n != 9) {
                TestEchoServer.writeFrame(out, payload);
            }
        };
        try (TestEchoServer server = TestEchoServer.start(dropLast)) {
            LoadSpec spec = LoadSpec.closedLoop(HOST, server.port(), 1, 1, 64, Duration.ofSeconds(30))
                    .withMaxRequests(10).withDrainTimeout(Duration.ofMillis(300));

            LoadResult result = LoadGenerator.run(spec);

            assertThat(result.ok()).isFalse();
            assertThat(result.repliesReceived()).isEqualTo(9);
            assertThat(result.firstError())
                    .contains("connection 0: 1 replies missing")
                    .contains("the first missing is request #9");
        }
    }

    @Test
    @DisplayName("open loop against a server that stops answering: the run fails, saying it fell behind the schedule")
    void openLoopFallsBehind() throws Exception {
        TestEchoServer.Behaviour stallLong = (n, payload, out, socket) -> {
            if (n == 100) {
                out.flush();
                Thread.sleep(3_000); // outlasts the run and its drain; close() interrupts it
            }
            TestEchoServer.writeFrame(out, payload);
        };
        try (TestEchoServer server = TestEchoServer.start(stallLong)) {
            LoadSpec spec = LoadSpec.openLoop(HOST, server.port(), 1, 4, 16, 1_000, Duration.ofMillis(500))
                    .withDrainTimeout(Duration.ofMillis(300));

            LoadResult result = LoadGenerator.run(spec);

            assertThat(result.ok()).isFalse();
            assertThat(result.firstError())
                    .contains("connection 0: requests due before the end were still unsent 300 ms after it (4 in flight)")
                    .contains("could not keep up with 1000 msgs/s");
        }
    }

    @Test
    @DisplayName("one corrupted byte is found, and named")
    void corruptedByte() throws Exception {
        TestEchoServer.Behaviour corruptOne = (n, payload, out, socket) -> {
            if (n == 50) {
                payload[13] ^= 0x01;
            }
            TestEchoServer.writeFrame(out, payload);
        };
        try (TestEchoServer server = TestEchoServer.start(corruptOne)) {
            LoadSpec spec = LoadSpec.closedLoop(HOST, server.port(), 1, 2, 40, Duration.ofSeconds(30))
                    .withMaxRequests(200);

            LoadResult result = LoadGenerator.run(spec);

            assertThat(result.ok()).isFalse();
            assertThat(result.errors()).hasSize(1);
            assertThat(result.firstError())
                    .contains("connection 0: the reply to request #50 differs from the request at payload byte 13 of 40");
        }
    }

    @Test
    @DisplayName("a reply nobody asked for fails the run")
    void unexpectedFrame() throws Exception {
        TestEchoServer.Behaviour twice = (n, payload, out, socket) -> {
            TestEchoServer.writeFrame(out, payload);
            if (n == 0) {
                TestEchoServer.writeFrame(out, payload);
            }
        };
        try (TestEchoServer server = TestEchoServer.start(twice)) {
            LoadSpec spec = LoadSpec.closedLoop(HOST, server.port(), 1, 1, 16, Duration.ofSeconds(30))
                    .withMaxRequests(2);

            LoadResult result = LoadGenerator.run(spec);

            assertThat(result.ok()).isFalse();
            // Either the copy is read before request #1 is sent (nothing outstanding), or it
            // stands in for the reply to request #1 and differs from it.
            assertThat(result.firstError()).satisfiesAnyOf(
                    e -> assertThat(e).contains("connection 0: the server sent a frame with no request outstanding"),
                    e -> assertThat(e).contains("connection 0: the reply to request #1 differs"));
        }
    }

    @Test
    @DisplayName("a reply of the wrong length fails the run")
    void wrongLength() throws Exception {
        TestEchoServer.Behaviour truncate = (n, payload, out, socket) ->
                TestEchoServer.writeFrame(out, n == 3 ? new byte[payload.length - 1] : payload);
        try (TestEchoServer server = TestEchoServer.start(truncate)) {
            LoadResult result = LoadGenerator.run(LoadSpec.closedLoop(HOST, server.port(), 1, 1, 16,
                    Duration.ofSeconds(30)).withMaxRequests(10));

            assertThat(result.firstError()).contains("the reply to request #3 announces 15 bytes, the request had 16");
        }
    }

    @Test
    @DisplayName("a server that closes with requests outstanding loses replies, and the run says so")
    void serverClosesMidRun() throws Exception {
        TestEchoServer.Behaviour hangUp = (n, payload, out, socket) -> {
            if (n == 20) {
                out.flush();
                socket.close();
                return;
            }
            TestEchoServer.writeFrame(out, payload);
        };
        try (TestEchoServer server = TestEchoServer.start(hangUp)) {
            LoadResult result = LoadGenerator.run(LoadSpec.closedLoop(HOST, server.port(), 1, 4, 16,
                    Duration.ofSeconds(30)).withMaxRequests(100));

            assertThat(result.ok()).isFalse();
            assertThat(result.firstError()).containsAnyOf(
                    "connection 0: the server closed the connection with",
                    "connection 0: Connection reset");
        }
    }

    @Test
    @DisplayName("nothing listening: the run fails before it starts, naming the address")
    void connectionRefused() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        LoadResult result = LoadGenerator.run(LoadSpec.closedLoop(HOST, port, 2, 1, 16, Duration.ofSeconds(1)));

        assertThat(result.ok()).isFalse();
        assertThat(result.firstError()).startsWith("cannot connect to 127.0.0.1:" + port);
        assertThat(result.requestsSent()).isZero();
    }

    @Test
    @DisplayName("specs out of range are rejected with the field's name")
    void specValidation() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoadSpec.closedLoop(HOST, 7000, 2, 0, 16, Duration.ofSeconds(1)))
                .withMessageContaining("depth");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> LoadSpec.closedLoop(HOST, 7000, 2, 1, 16, Duration.ofSeconds(1)).withThreads(3))
                .withMessageContaining("threads must be at most connections");
    }
}
