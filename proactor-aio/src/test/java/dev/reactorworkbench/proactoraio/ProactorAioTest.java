package dev.reactorworkbench.proactoraio;

import dev.reactorworkbench.conformancekit.Await;
import dev.reactorworkbench.echoprotocol.client.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.codec.LineCodec;
import dev.reactorworkbench.echoprotocol.codec.RawCodec;
import dev.reactorworkbench.echoprotocol.launcher.Launcher;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
@DisplayName("proactor-aio")
class ProactorAioTest {

    private static ServerConfig.Builder config() {
        return ServerConfig.builder().host("127.0.0.1").port(0).threads(2);
    }

    /** Payload {@code i}: its index, then {@code i % spread} bytes derived from it, so order and content are checkable. */
    private static byte[] payload(int i, int spread) {
        return sized(i, 4 + i % spread);
    }

    /** Payload {@code i} of exactly {@code size >= 4} bytes: its index, then bytes derived from it. */
    private static byte[] sized(int i, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(i);
        while (b.hasRemaining()) {
            b.put((byte) (i * 31 + b.position()));
        }
        return b.array();
    }

    /** Sends every frame from a thread of its own, so the test thread can read (or not) meanwhile. */
    private static Thread sendInBackground(EchoClient client, int count, IntFunction<byte[]> frames,
                                           AtomicReference<Throwable> failure) {
        return Thread.ofPlatform().name("test-writer").start(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    client.send(frames.apply(i));
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
    }

    private static void receiveInOrder(EchoClient client, int count, IntFunction<byte[]> frames) throws IOException {
        for (int i = 0; i < count; i++) {
            byte[] reply = client.receive();
            if (!Arrays.equals(reply, frames.apply(i))) {
                throw new AssertionError("reply " + i + " differs from its request");
            }
        }
    }

    @Test
    @DisplayName("echoes payloads from 0 bytes to the frame limit, across read-buffer boundaries")
    void echoesEverySize() throws Exception {
        try (ProactorServer server = ProactorServer.start(config().build());
             EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            int[] sizes = {0, 1, Connection.READ_BUFFER_SIZE - 4, Connection.READ_BUFFER_SIZE, Connection.READ_BUFFER_SIZE + 1,
                    100_000, ServerConfig.MIB};
            for (int size : sizes) {
                byte[] payload = new byte[size];
                Arrays.fill(payload, (byte) size);
                assertThat(client.echo(payload)).as("echo of %d bytes", size).isEqualTo(payload);
            }
            assertThat(server.unexpectedFailures()).isZero();
        }
    }

    @Test
    @DisplayName("speaks the line and raw codecs too")
    void otherCodecs() throws Exception {
        try (ProactorServer server = ProactorServer.start(config().codec(LineCodec.INSTANCE).build());
             EchoClient client = EchoClient.connect(server.address(), LineCodec.INSTANCE)) {
            client.sendRaw("hello\r\nwor".getBytes(StandardCharsets.US_ASCII));
            client.sendRaw("ld\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(client.receive(), StandardCharsets.US_ASCII)).isEqualTo("hello\r");
            assertThat(new String(client.receive(), StandardCharsets.US_ASCII)).isEqualTo("world");
        }
        try (ProactorServer server = ProactorServer.start(config().codec(RawCodec.INSTANCE).build());
             EchoClient client = EchoClient.connect(server.address(), RawCodec.INSTANCE)) {
            byte[] bytes = payload(12_345, 20_000);
            client.sendRaw(bytes);
            assertThat(client.receiveBytes(bytes.length)).isEqualTo(bytes);
        }
    }

    @Test
    @DisplayName("pipelined bursts on several connections never start a second read or write (no Read/WritePendingException), and every reply arrives in order")
    void burstsNeverOverlapOperations() throws Exception {
        int connections = 4;
        int frames = 4_000;
        int spread = 700;
        // Tiny water marks: connections pause and resume hundreds of times, on 4 pool threads.
        ServerConfig cfg = config().threads(4).writeWaterMarks(512, 2_048).build();
        try (ProactorServer server = ProactorServer.start(cfg)) {
            List<EchoClient> clients = new ArrayList<>();
            List<Thread> writers = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            try {
                for (int c = 0; c < connections; c++) {
                    EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
                    clients.add(client);
                    writers.add(sendInBackground(client, frames, i -> payload(i, spread), failure));
                }
                for (EchoClient client : clients) {
                    receiveInOrder(client, frames, i -> payload(i, spread));
                }
                for (Thread w : writers) {
                    w.join(Duration.ofSeconds(30));
                }
            } finally {
                clients.forEach(EchoClient::close);
            }
            assertThat(failure.get()).isNull();
            assertThat(server.unexpectedFailures()).as("failures the turn-taking rules out").isZero();
            assertThat(server.readPauses()).as("backpressure pauses").isPositive();
            assertThat(server.stats().getMessagesIn()).isEqualTo((long) connections * frames);
            assertThat(server.stats().getMessagesOut()).isEqualTo((long) connections * frames);
            Await.awaitCondition("every connection is closed", Duration.ofSeconds(10), () -> server.stats().getConnectionsOpen() == 0);
            assertThat(server.stats().getOutboundBytesPending()).isZero();
        }
    }

    @Test
    @DisplayName("a client that does not read cannot make the server buffer without limit; reading resumes once it takes its replies")
    void backpressure() throws Exception {
        int high = 32 * 1024;
        int payload = 16 * 1024;
        int frames = 400; // 6.4 MB of replies: more than the kernel buffers of both sockets hold
        ServerConfig cfg = config().writeWaterMarks(8 * 1024, high).idleTimeout(Duration.ofSeconds(2)).build();
        try (ProactorServer server = ProactorServer.start(cfg);
             EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            client.socket().setReceiveBufferSize(64 * 1024);
            IntFunction<byte[]> frame = i -> sized(i, payload);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = sendInBackground(client, frames, frame, failure);
            Await.awaitCondition("the server pauses reading", Duration.ofSeconds(30), () -> server.readPauses() > 0);

            // Paused: no read is outstanding, so no read timeout runs. Stay silent for longer than
            // the idle timeout: the connection must survive, since its peer is slow, not silent.
            Thread.sleep(cfg.idleTimeout().toMillis() + 1_000);
            assertThat(server.stats().getIdleCloses()).isZero();

            receiveInOrder(client, frames, frame);
            writer.join(Duration.ofSeconds(30));
            assertThat(failure.get()).isNull();
            // One read can add the replies to what it decoded on top of the high water mark: at
            // most one frame begun in earlier reads, plus frames within its own 8 KiB of input.
            long slack = (payload + 4) + Connection.READ_BUFFER_SIZE;
            assertThat(server.stats().getOutboundBytesPendingPeak()).isLessThanOrEqualTo(high + slack);
            assertThat(server.unexpectedFailures()).isZero();
        }
    }
    @Test
    @DisplayName("a connection silent for the idle timeout is closed and counted; an active one is not")
    void idleTimeout() throws Exception {
        ServerConfig cfg = config().idleTimeout(Duration.ofMillis(800)).build();
        try (ProactorServer server = ProactorServer.start(cfg);
             EchoClient silent = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
             EchoClient active = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            assertThat(silent.echo(new byte[]{1})).containsExactly(1);
            // The active client talks every 100 ms for well over the timeout (this pace is the
            // behaviour under test, not a wait for some condition).
            long until = System.nanoTime() + Duration.ofMillis(2_000).toNanos();
            int i = 0;
            while (System.nanoTime() < until) {
                byte[] p = payload(i++, 50);
                assertThat(active.echo(p)).isEqualTo(p);
                Thread.sleep(100);
            }
            assertThat(silent.awaitServerClose()).as("silent client closed by the server").isTrue();
            assertThat(server.stats().getIdleCloses()).isEqualTo(1);
            byte[] last = payload(i, 50);
            assertThat(active.echo(last)).isEqualTo(last);
            Await.awaitCondition("one connection left open", Duration.ofSeconds(5), () -> server.stats().getConnectionsOpen() == 1);
        }
    }

    @Test
    @DisplayName("an oversized frame closes only that connection, counted as a protocol error")
    void protocolError() throws Exception {
        ServerConfig cfg = config().maxFrameLength(1_000).build();
        try (ProactorServer server = ProactorServer.start(cfg);
             EchoClient bad = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
             EchoClient good = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            assertThat(good.echo(new byte[1_000])).hasSize(1_000);
            bad.sendRaw(ByteBuffer.allocate(4).putInt(1_001).array());
            assertThat(bad.awaitServerClose()).isTrue();
            assertThat(server.stats().getProtocolErrors()).isEqualTo(1);
            assertThat(good.echo(new byte[]{7})).containsExactly(7);
            Await.awaitCondition("the bad connection is gone", Duration.ofSeconds(5), () -> server.stats().getConnectionsOpen() == 1);
        }
    }

    @Test
    @DisplayName("over max connections, a new connection is closed at once and counted as rejected")
    void maxConnections() throws Exception {
        try (ProactorServer server = ProactorServer.start(config().maxConnections(2).build());
             EchoClient a = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
             EchoClient b = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            assertThat(a.echo(new byte[]{1})).containsExactly(1);
            assertThat(b.echo(new byte[]{2})).containsExactly(2);
            try (EchoClient c = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
                assertThat(c.awaitServerClose()).isTrue();
            }
            assertThat(server.stats().getConnectionsRejected()).isEqualTo(1);
            assertThat(server.stats().getConnectionsOpen()).isEqualTo(2);
            a.close();
            Await.awaitCondition("a's close is seen", Duration.ofSeconds(5), () -> server.stats().getConnectionsOpen() == 1);
            try (EchoClient d = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
                assertThat(d.echo(new byte[]{4})).containsExactly(4);
            }
        }
    }

    @Test
    @DisplayName("a half-closing client gets every reply, then the server closes; a reset leaks nothing")
    void halfCloseAndReset() throws Exception {
        try (ProactorServer server = ProactorServer.start(config().build())) {
            try (EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
                for (int i = 0; i < 300; i++) {
                    client.send(payload(i, 3_000));
                }
                client.shutdownOutput();
                receiveInOrder(client, 300, i -> payload(i, 3_000));
                assertThat(client.awaitServerClose()).isTrue();
            }
            try (EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
                for (int i = 0; i < 300; i++) {
                    client.send(payload(i, 3_000));
                }
                client.socket().setSoLinger(true, 0); // close sends RST
            }
            // The reset client may be gone before the server accepts it: wait for the accept first,
            // or "none open" could already hold with the second connection still in the backlog.
            Await.awaitCondition("both connections accepted", Duration.ofSeconds(10), () -> server.stats().getConnectionsAccepted() == 2);
            Await.awaitCondition("both connections closed", Duration.ofSeconds(10), () -> server.stats().getConnectionsOpen() == 0);
            assertThat(server.stats().getOutboundBytesPending()).isZero();
            assertThat(server.unexpectedFailures()).isZero();
        }
    }

    @Test
    @DisplayName("close() flushes the replies to everything already read, closes the connection, ends every pool thread and frees the port")
    void gracefulClose() throws Exception {
        ProactorServer server = ProactorServer.start(config().threads(3).build());
        int port = server.port();
        try (EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            for (int i = 0; i < 200; i++) {
                client.send(payload(i, 500));
            }
            Await.awaitCondition("the server has read every request", Duration.ofSeconds(10), () -> server.stats().getMessagesIn() == 200);
            server.close(); // the client has not read a single reply yet
            assertThat(server.poolThreads()).hasSize(3).noneMatch(Thread::isAlive);
            receiveInOrder(client, 200, i -> payload(i, 500));
            assertThat(client.awaitServerClose()).isTrue();
        } finally {
            server.close();
        }
        server.close(); // idempotent
        assertThat(server.stats().getConnectionsOpen()).isZero();
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress("127.0.0.1", port));
        }
    }

    @Test
    @DisplayName("close() is bounded even when a peer never reads its replies")
    void closeWithAPeerThatNeverReads() throws Exception {
        ProactorServer server = ProactorServer.start(config().writeWaterMarks(8 * 1024, 32 * 1024).build());
        try (EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            client.socket().setReceiveBufferSize(16 * 1024);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = sendInBackground(client, 400, i -> sized(i, 16 * 1024), failure);
            Await.awaitCondition("the server pauses reading", Duration.ofSeconds(30), () -> server.readPauses() > 0);
            server.close(); // drains for the drain timeout (5 s by default), then closes the connection anyway
            assertThat(server.poolThreads()).noneMatch(Thread::isAlive);
            assertThat(server.stats().getConnectionsOpen()).isZero();
            assertThat(server.stats().getOutboundBytesPending()).isZero();
            client.close(); // unblocks the writer, if it is still blocked
            writer.join(Duration.ofSeconds(10));
            assertThat(writer.isAlive()).isFalse();
        } finally {
            server.close();
        }
    }

    @Test
    @DisplayName("the pool has --threads threads named proactor-N; during a run only they, the Acceptor's thread and the JDK's timer thread exist, and after close() none remain")
    void threads() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ProactorServer server = ProactorServer.start(config().threads(3).idleTimeout(Duration.ofSeconds(30)).build());
        Set<Thread> during;
        try (EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            assertThat(client.echo(new byte[]{9})).containsExactly(9);
            // The server starts its next (timed) read right after writing the reply: wait for it.
            Await.awaitCondition("the JDK has started its timer thread", Duration.ofSeconds(10),
                    () -> names(newThreads(before)).stream().anyMatch(n -> n.startsWith("InnocuousThread-")));
            during = newThreads(before);
            assertThat(server.poolThreads()).extracting(Thread::getName)
                    .containsExactly("proactor-0", "proactor-1", "proactor-2");
            assertThat(server.poolThreads()).allMatch(Thread::isAlive);
            assertThat(names(during)).as("threads this server started").allMatch(n ->
                    n.matches("proactor-\\d+") || n.equals("proactor-acceptor") || n.matches("InnocuousThread-\\d+"));
            assertThat(names(during)).as("the Acceptor's thread").containsOnlyOnce("proactor-acceptor");
            assertThat(names(during)).filteredOn(n -> n.matches("proactor-\\d+")).hasSize(3);
            assertThat(names(during)).filteredOn(n -> n.startsWith("InnocuousThread-")).as("the JDK's timeout thread").hasSize(1);
        } finally {
            server.close();
        }
        assertThat(server.poolThreads()).as("joined by close()").noneMatch(Thread::isAlive);
        assertThat(server.acceptorThread().isAlive()).as("the Acceptor's thread, joined by close()").isFalse();
        assertThat(during).as("threads this server started, right after close()").noneMatch(Thread::isAlive);

        // With the idle timeout off, no read has a timer, so the JDK never starts that thread.
        Set<Thread> before2 = Thread.getAllStackTraces().keySet();
        try (ProactorServer untimed = ProactorServer.start(config().threads(1).idleTimeout(Duration.ZERO).build());
             EchoClient client = EchoClient.connect(untimed.address(), LengthPrefixedCodec.INSTANCE)) {
            assertThat(client.echo(new byte[]{9})).containsExactly(9);
            assertThat(names(newThreads(before2))).containsExactly("proactor-0", "proactor-acceptor");
        }
    }

    @Test
    @DisplayName("without --threads the pool has one thread per core")
    void defaultPoolSize() throws Exception {
        try (ProactorServer server = ProactorServer.start(config().threads(0).build())) {
            assertThat(server.poolThreads()).hasSize(Runtime.getRuntime().availableProcessors()).allMatch(Thread::isAlive);
        }
    }

    private static Set<Thread> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).collect(Collectors.toSet());
    }

    private static List<String> names(Set<Thread> threads) {
        return threads.stream().map(Thread::getName).sorted().toList();
    }

    @Test
    @DisplayName("is found by the ServiceLoader and runs under the shared launcher")
    void launcher() throws Exception {
        assertThat(ServerModel.named("proactor-aio")).isInstanceOf(ProactorAioModel.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<Integer> exit = new AtomicReference<>();
        String[] args = {"--port", "0", "--threads", "2", "--quiet", "--idle-timeout", "0"};
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        Thread main = Thread.ofPlatform().name("test-launcher").start(() ->
                exit.set(Launcher.execute(new ProactorAioModel(), args, o, new PrintStream(err, true, StandardCharsets.UTF_8), stop, false)));
        Pattern listening = Pattern.compile("proactor-aio listening on 127\\.0\\.0\\.1:(\\d+)");
        Await.awaitCondition("the launcher has started the server", Duration.ofSeconds(20), () -> listening.matcher(out.toString(StandardCharsets.UTF_8)).find());
        Matcher m = listening.matcher(out.toString(StandardCharsets.UTF_8));
        assertThat(m.find()).isTrue();
        try (EchoClient client = EchoClient.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))),
                LengthPrefixedCodec.INSTANCE)) {
            assertThat(client.echo(new byte[]{5, 6})).containsExactly(5, 6);
        }
        stop.countDown();
        main.join(Duration.ofSeconds(20));
        assertThat(exit.get()).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("closed: 1 connections accepted");
    }
}
