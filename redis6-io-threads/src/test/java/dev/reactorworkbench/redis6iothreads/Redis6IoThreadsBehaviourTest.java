package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.launcher.Launcher;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the conformance kit does not check for this model: its flags, the tighter memory bound its
 * per-turn read budget gives, and close() giving up on a peer that never reads after its bounded wait.
 */
@Timeout(60)
class Redis6IoThreadsBehaviourTest {

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private RunningServer start(ServerConfig.Builder config) throws IOException {
        RunningServer server = new Redis6IoThreadsModel().start(config.port(0).option("io-threads", "3").build());
        toClose.add(server);
        return server;
    }

    private EchoClient connect(RunningServer server) throws IOException {
        EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
        toClose.add(client);
        return client;
    }

    /** Polls {@code condition} for up to 10 s; the caller asserts the result. */
    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    @Test
    @DisplayName("the model is found by name through ServiceLoader")
    void discoveredByServiceLoader() {
        assertThat(ServerModel.named("redis6-io-threads")).isInstanceOf(Redis6IoThreadsModel.class);
        assertThat(new Redis6IoThreadsModel().options()).extracting(o -> o.name())
                .containsExactly("io-threads", "io-threads-do-reads");
    }

    @Test
    @DisplayName("the launcher's --help lists the model's own flags")
    void helpListsModelFlags() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Launcher.execute(new Redis6IoThreadsModel(), new String[]{"--help"}, new PrintStream(out, true),
                new PrintStream(new ByteArrayOutputStream(), true), new CountDownLatch(1), false);
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--io-threads", "--io-threads-do-reads");
    }

    @Test
    @DisplayName("invalid io-threads or io-threads-do-reads values are rejected with the flag's name")
    void rejectsBadOptions() {
        assertThatThrownBy(() -> new Redis6IoThreadsModel().start(ServerConfig.builder().port(0)
                .option("io-threads", "0").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("io-threads");
        assertThatThrownBy(() -> new Redis6IoThreadsModel().start(ServerConfig.builder().port(0)
                .option("io-threads-do-reads", "maybe").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("io-threads-do-reads");
    }

    @Test
    @DisplayName("a client that never reads makes the server hold at most the high water mark plus one turn's read budget")
    void backpressureBoundsMemory() throws Exception {
        int high = 64 * 1024;
        RunningServer server = start(ServerConfig.builder().writeWaterMarks(32 * 1024, high));
        try (Socket greedy = new Socket()) {
            greedy.setReceiveBufferSize(4096);
            greedy.connect(server.address());
            OutputStream out = greedy.getOutputStream();
            byte[] frame = LengthPrefixedCodec.frame(new byte[8 * 1024]);
            // Write (at most 32 MiB) until the server stops reading and the writer blocks on a full socket.
            Thread writer = Thread.ofPlatform().name("greedy-writer").start(() -> {
                try {
                    for (int i = 0; i < 4_000; i++) {
                        out.write(frame);
                    }
                } catch (IOException expected) {
                    // the socket is closed at the end of the test
                }
            });
            // Wait (bounded) until the server's pending reply bytes stop growing.
            long before = -1;
            for (int i = 0; i < 50; i++) {
                Thread.sleep(100);
                long now = server.stats().getOutboundBytesPending();
                if (now == before && now > 0) {
                    break;
                }
                before = now;
            }
            // Reading stops once a turn ends above the high water mark; that turn read at most the budget,
            // plus the rest of a frame begun earlier (8 KiB here) and the 4-byte headers.
            long peak = server.stats().getOutboundBytesPendingPeak();
            assertThat(peak).isPositive().isLessThanOrEqualTo(high + IoShare.READ_BUDGET + 16 * 1024);
            // Other clients are served meanwhile.
            EchoClient other = connect(server);
            assertThat(other.echo(new byte[]{7})).containsExactly(7);
            greedy.close();
            writer.join(10_000);
            assertThat(writer.isAlive()).isFalse();
        }
        assertThat(eventually(() -> server.stats().getConnectionsOpen() == 1)).isTrue();
    }

    @Test
    @DisplayName("close() does not wait forever for a peer that never reads its replies")
    void closeWithPeerThatNeverReads() throws Exception {
        RunningServer server = new Redis6IoThreadsModel().start(ServerConfig.builder().port(0)
                .option("io-threads", "2").writeWaterMarks(512 * 1024, 1024 * 1024).build());
        try (Socket stubborn = new Socket()) {
            stubborn.setReceiveBufferSize(4096);
            stubborn.connect(server.address());
            OutputStream out = stubborn.getOutputStream();
            byte[] frame = LengthPrefixedCodec.frame(new byte[64 * 1024]);
            // Requests whose replies it never reads, until the server stops reading (bounded: 32 MiB).
            Thread writer = Thread.ofPlatform().name("stubborn-writer").start(() -> {
                try {
                    for (int i = 0; i < 512; i++) {
                        out.write(frame);
                    }
                } catch (IOException expected) {
                    // the server closes the connection
                }
            });
            assertThat(eventually(() -> server.stats().getOutboundBytesPending() > 256 * 1024)).isTrue();

            server.close();

            assertThat(server.stats().getConnectionsOpen()).isZero();
            assertThat(server.stats().getOutboundBytesPending()).isZero();
            assertThat(liveServerThreads()).isEmpty();
            InputStream in = stubborn.getInputStream();
            stubborn.setSoTimeout(10_000);
            assertThat(drainUntilClosed(in)).isTrue();
            writer.join(10_000);
            assertThat(writer.isAlive()).isFalse();
        } finally {
            server.close();
        }
    }

    @Test
    @DisplayName("drainUntilClosed says false for a connection the server keeps open (the check above can fail)")
    void drainUntilClosedFailsOnAnOpenConnection() throws Exception {
        RunningServer server = start(ServerConfig.builder());
        try (Socket open = new Socket()) {
            open.connect(server.address());
            open.setSoTimeout(300);
            assertThat(drainUntilClosed(open.getInputStream())).isFalse();
        }
    }

    /**
     * Reads and discards until the server closes the connection: true on EOF or a reset (both say
     * the server closed it), false when the socket's read timeout passes first (still open).
     */
    static boolean drainUntilClosed(InputStream in) {
        byte[] buf = new byte[64 * 1024];
        try {
            while (in.read(buf) >= 0) {
                // discard what was flushed before the close
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false; // nothing ended the connection within the timeout: the server did not close it
        } catch (IOException e) {
            return true; // a reset also says the server closed it
        }
    }

    /** Threads a closed server must not leave behind (tests run one after another, each closes its servers). */
    private static Set<String> liveServerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.equals(MainLoop.THREAD_NAME) || n.startsWith("io-thread-"))
                .collect(Collectors.toSet());
    }
}
