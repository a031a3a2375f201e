package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.echoprotocol.client.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.codec.LineCodec;
import dev.reactorworkbench.echoprotocol.launcher.Launcher;
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
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model's own checks of the guarantees in DESIGN.md, with the I/O threads switched on. */
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
    @DisplayName("payloads from 0 bytes to the frame limit echo exactly, also when sent a byte at a time")
    void exactEchoAnySize() throws IOException {
        RunningServer server = start(ServerConfig.builder().maxFrameLength(300_000));
        EchoClient client = connect(server);
        for (int size : new int[]{0, 1, 17, 16 * 1024, 100_000, 300_000}) {
            byte[] payload = new byte[size];
            ThreadLocalRandom.current().nextBytes(payload);
            assertThat(client.echo(payload)).as("size " + size).isEqualTo(payload);
        }
        byte[] small = "split".getBytes(StandardCharsets.UTF_8);
        client.sendRawByteByByte(LengthPrefixedCodec.frame(small));
        assertThat(client.receive()).isEqualTo(small);
    }

    @Test
    @DisplayName("the line codec works too: a line in, the same line out")
    void lineCodec() throws IOException {
        RunningServer server = start(ServerConfig.builder().codec(LineCodec.INSTANCE));
        try (EchoClient client = EchoClient.connect(server.address(), LineCodec.INSTANCE)) {
            client.sendRaw("hello\nworld\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(client.receive(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(new String(client.receive(), StandardCharsets.UTF_8)).isEqualTo("world\r");
        }
    }

    @Test
    @DisplayName("an oversized frame closes only that connection and is counted")
    void protocolErrorClosesOnlyThatConnection() throws Exception {
        RunningServer server = start(ServerConfig.builder().maxFrameLength(1024));
        EchoClient good = connect(server);
        EchoClient bad = connect(server);
        assertThat(good.echo(new byte[]{1, 2, 3})).containsExactly(1, 2, 3);

        bad.sendRaw(ByteBuffer.allocate(4).putInt(1025).array());

        assertThat(bad.awaitServerClose()).isTrue();
        assertThat(eventually(() -> server.stats().getProtocolErrors() == 1)).isTrue();
        assertThat(good.echo(new byte[]{4, 5})).containsExactly(4, 5);
        assertThat(eventually(() -> server.stats().getConnectionsOpen() == 1)).isTrue();
    }

    @Test
    @DisplayName("resets, half-closes and vanished clients leave no open connection behind")
    void disconnectsAreCountedOnce() throws Exception {
        RunningServer server = start(ServerConfig.builder());
        // A half-close still gets the replies to what was sent before it, then the server closes.
        EchoClient halfClosing = connect(server);
        halfClosing.send("last words".getBytes(StandardCharsets.UTF_8));
        halfClosing.shutdownOutput();
        assertThat(new String(halfClosing.receive(), StandardCharsets.UTF_8)).isEqualTo("last words");
        assertThat(halfClosing.awaitServerClose()).isTrue();
        // A reset (SO_LINGER 0) in the middle of a frame.
        EchoClient resetting = connect(server);
        resetting.sendRaw(new byte[]{0, 0, 1, 0, 9, 9});
        resetting.socket().setSoLinger(true, 0);
        resetting.close();
        // Plain closes, some with requests in flight.
        for (int i = 0; i < 20; i++) {
            EchoClient c = connect(server);
            if (i % 2 == 0) {
                c.send(new byte[100]);
            }
            c.close();
        }

        assertThat(eventually(() -> server.stats().getConnectionsAccepted() == 22
                && server.stats().getConnectionsOpen() == 0))
                .as("accepted " + server.stats().getConnectionsAccepted() + ", open " + server.stats().getConnectionsOpen())
                .isTrue();
        assertThat(server.stats().getOutboundBytesPending()).isZero();
    }

    @Test
    @DisplayName("a client that writes but never reads cannot make the server buffer without limit")
    void backpressureBoundsMemory() throws Exception {
        int high = 64 * 1024;
        RunningServer server = start(ServerConfig.builder().writeWaterMarks(32 * 1024, high));
        try (Socket greedy = new Socket()) {
            greedy.setReceiveBufferSize(4096);
            greedy.connect(server.address());
            greedy.setSoTimeout(200);
            OutputStream out = greedy.getOutputStream();
            byte[] frame = LengthPrefixedCodec.frame(new byte[8 * 1024]);
            // Write until the server stops reading and our send buffer fills (a write times out), bounded.
            Thread writer = Thread.ofPlatform().name("greedy-writer").start(() -> {
                try {
                    for (int i = 0; i < 4_000; i++) {
                        out.write(frame);
                    }
                } catch (IOException expected) {
                    // the socket is closed at the end of the test
                }
            });
            long before = -1;
            // Wait until the server's pending reply bytes stop growing.
            for (int i = 0; i < 50; i++) {
                Thread.sleep(100);
                long now = server.stats().getOutboundBytesPending();
                if (now == before && now > 0) {
                    break;
                }
                before = now;
            }
            long peak = server.stats().getOutboundBytesPendingPeak();
            assertThat(peak).isPositive().isLessThanOrEqualTo(high + Client.READ_BUDGET + 16 * 1024);
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
    @DisplayName("idle connections are closed after the idle timeout; active ones are not")
    void idleTimeout() throws Exception {
        RunningServer server = start(ServerConfig.builder().idleTimeout(Duration.ofMillis(400)));
        EchoClient idle = connect(server);
        EchoClient active = connect(server);
        long deadline = System.nanoTime() + Duration.ofMillis(1200).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(active.echo(new byte[]{1})).containsExactly(1);
            Thread.sleep(50);
        }
        assertThat(idle.awaitServerClose()).isTrue();
        assertThat(server.stats().getIdleCloses()).isEqualTo(1);
        assertThat(active.echo(new byte[]{2})).containsExactly(2);
    }

    @Test
    @DisplayName("over max connections, new connections are closed at once and counted")
    void maxConnections() throws Exception {
        RunningServer server = start(ServerConfig.builder().maxConnections(2));
        EchoClient a = connect(server);
        EchoClient b = connect(server);
        assertThat(a.echo(new byte[]{1})).containsExactly(1);
        assertThat(b.echo(new byte[]{2})).containsExactly(2);
        EchoClient rejected = connect(server);
        assertThat(rejected.awaitServerClose()).isTrue();
        assertThat(server.stats().getConnectionsRejected()).isEqualTo(1);
        assertThat(server.stats().getConnectionsOpen()).isEqualTo(2);
        assertThat(a.echo(new byte[]{3})).containsExactly(3);
    }

    @Test
    @DisplayName("close() replies to what was read, closes every connection, joins every thread and frees the port")
    void gracefulClose() throws Exception {
        RunningServer server = new Redis6IoThreadsModel().start(ServerConfig.builder().port(0)
                .option("io-threads", "3").build());
        InetSocketAddress address = server.address();
        List<EchoClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                EchoClient c = EchoClient.connect(address, LengthPrefixedCodec.INSTANCE);
                clients.add(c);
                assertThat(c.echo(new byte[]{(byte) i})).containsExactly(i);
            }
            // A request the server has certainly read (its stats count it) before close() is called.
            long in = server.stats().getMessagesIn();
            clients.get(0).send(new byte[50_000]);
            assertThat(eventually(() -> server.stats().getMessagesIn() == in + 1)).isTrue();

            server.close();
            server.close(); // idempotent

            assertThat(clients.get(0).receive()).hasSize(50_000);
            for (EchoClient c : clients) {
                assertThat(c.awaitServerClose()).isTrue();
            }
        } finally {
            clients.forEach(EchoClient::close);
            server.close();
        }
        assertThat(server.stats().getConnectionsOpen()).isZero();
        assertThat(liveServerThreads()).isEmpty();
        assertThatThrownBy(() -> new Socket("127.0.0.1", address.getPort()).close()).isInstanceOf(ConnectException.class);
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

    private static boolean drainUntilClosed(InputStream in) {
        byte[] buf = new byte[64 * 1024];
        try {
            while (in.read(buf) >= 0) {
                // discard what was flushed before the close
            }
            return true;
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
