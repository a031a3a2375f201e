package dev.reactorworkbench.comparisonbench.reference;

import dev.reactorworkbench.comparisonbench.load.LoadGenerator;
import dev.reactorworkbench.comparisonbench.load.LoadResult;
import dev.reactorworkbench.comparisonbench.load.LoadSpec;
import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.codec.LineCodec;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NettyReferenceServerTest {

    private static ServerConfig.Builder config() {
        return ServerConfig.builder().host("127.0.0.1").port(0).threads(2);
    }

    private static RunningServer start(NettyTransport transport, ServerConfig config) throws IOException {
        return start(new NettyReferenceModel(transport), config);
    }

    private static RunningServer start(NettyReferenceModel model, ServerConfig config) throws IOException {
        NettyTransport transport = model.transport();
        assumeTrue(transport.isAvailable(), () -> transport.modelName() + " skipped: not available on this machine: "
                + transport.unavailabilityCause());
        return model.start(config);
    }

    /** Every transport with N event loops, and NIO with the handler on an executor group. */
    static Stream<NettyReferenceModel> servers() {
        return Stream.concat(Arrays.stream(NettyTransport.values()).map(NettyReferenceModel::new),
                Stream.of(new NettyReferenceModel(NettyTransport.NIO, true)));
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    /** Polls {@code condition} every 10 ms for up to 10 s. */
    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    @DisplayName("echoes every size, pipelined and split, survives a bad client and a load run, then closes with no thread left")
    void servesThenClosesCleanly(NettyReferenceModel model) throws Exception {
        Set<Thread> before = liveThreads();
        RunningServer server = start(model, config().maxFrameLength(100_000).build());
        int port = server.port();
        Random random = new Random(42);
        try (EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            // 1. One at a time: empty, tiny, and larger than one socket read.
            for (int size : new int[] {0, 1, 100, 100_000}) {
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                assertThat(client.echo(payload)).isEqualTo(payload);
            }
            // 2. Pipelined: 50 requests out, then 50 replies back in order.
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                byte[] payload = new byte[1 + random.nextInt(2_000)];
                random.nextBytes(payload);
                sent.add(payload);
                client.send(payload);
            }
            for (byte[] payload : sent) {
                assertThat(client.receive()).isEqualTo(payload);
            }
            // 3. A frame split into single bytes.
            byte[] payload = "split".getBytes();
            client.sendRawByteByByte(LengthPrefixedCodec.frame(payload));
            assertThat(client.receive()).isEqualTo(payload);

            // 4. An oversized length closes only that connection, counted as a protocol error.
            try (EchoClient bad = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
                bad.sendRaw(ByteBuffer.allocate(4).putInt(100_001).array());
                assertThat(bad.awaitServerClose()).isTrue();
            }
            assertThat(eventually(() -> server.stats().getProtocolErrors() == 1)).isTrue();
            assertThat(client.echo(new byte[] {7})).containsExactly(7);

            // 5. The event loop threads say their role.
            assertThat(liveThreads()).extracting(Thread::getName)
                    .contains("netty-boss").anyMatch(n -> n.startsWith("netty-worker-"));
            if (model.name().endsWith(NettyReferenceModel.EXECUTOR_SUFFIX)) {
                // One I/O loop; the handler ran on the executor group's threads.
                assertThat(liveThreads()).extracting(Thread::getName).doesNotContain("netty-worker-1")
                        .anyMatch(n -> n.startsWith("netty-executor-"));
            }
        }
        // 6. The load generator runs clean against it, closed and open loop.
        LoadResult closed = LoadGenerator.run(LoadSpec.closedLoop("127.0.0.1", port, 8, 4, 128,
                Duration.ofSeconds(30)).withThreads(2).withMaxRequests(250));
        LoadResult open = LoadGenerator.run(LoadSpec.openLoop("127.0.0.1", port, 4, 8, 64, 1_000,
                Duration.ofMillis(500)));
        assertThat(closed.errors()).isEmpty();
        assertThat(closed.repliesReceived()).isEqualTo(2_000);
        assertThat(open.errors()).isEmpty();
        assertThat(open.repliesReceived()).isEqualTo(500);
        assertThat(eventually(() -> server.stats().getConnectionsOpen() == 0)).isTrue();
        assertThat(server.stats().getMessagesOut()).isEqualTo(56 + 2_500);

        // 7. Close: no thread it started is left, and the port is free again.
        server.close();

        Set<Thread> leftover = liveThreads();
        leftover.removeAll(before);
        assertThat(leftover).as("threads started by %s and alive after close()", model.name()).isEmpty();
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    @DisplayName("a client that never reads cannot make the server buffer without limit")
    void boundedOutboundBuffer(NettyReferenceModel model) throws Exception {
        int high = 64 * 1024;
        try (RunningServer server = start(model, config().writeWaterMarks(32 * 1024, high).build());
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSendBufferSize(64 * 1024);
            // 1. Write requests and never read a reply, from a thread, since the write blocks
            //    once the server stops reading; closing the socket ends it.
            byte[] frame = LengthPrefixedCodec.frame(new byte[4_000]);
            Thread writer = Thread.ofPlatform().name("test-writer").start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int i = 0; i < 20_000; i++) { // 80 MB, far beyond every buffer on the way
                        out.write(frame);
                    }
                } catch (IOException closed) {
                    // the test closed the socket
                }
            });
            // 2. The server passes the high water mark, then stops reading: messages in settle.
            assertThat(eventually(() -> server.stats().getOutboundBytesPendingPeak() >= high)).isTrue();
            long settled = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                long in = server.stats().getMessagesIn();
                Thread.sleep(200);
                if (server.stats().getMessagesIn() == in) {
                    settled = in;
                    break;
                }
            }
            assertThat(settled).as("the server stopped reading").isPositive();
            assertThat(writer.isAlive()).as("the writer is blocked, not finished").isTrue();
            // 3. What the server holds is bounded by the high mark plus one read's worth of replies.
            assertThat(server.stats().getOutboundBytesPendingPeak()).isLessThan(high + 2 * 64 * 1024 + frame.length);
            socket.close();
            writer.join(Duration.ofSeconds(10));
            assertThat(writer.isAlive()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(NettyTransport.class)
    @DisplayName("over max connections, a new connection is closed at once and counted")
    void maxConnections(NettyTransport transport) throws Exception {
        try (RunningServer server = start(transport, config().maxConnections(1).build());
             EchoClient first = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
             EchoClient second = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            assertThat(first.echo(new byte[] {1})).containsExactly(1);
            assertThat(second.awaitServerClose()).isTrue();
            assertThat(server.stats().getConnectionsRejected()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(NettyTransport.class)
    @DisplayName("a port in use is a BindException, and nothing is left running")
    void portInUse(NettyTransport transport) throws Exception {
        assumeTrue(transport.isAvailable(), () -> transport.modelName() + " skipped: " + transport.unavailabilityCause());
        Set<Thread> before = liveThreads();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServerConfig config = config().port(taken.getLocalPort()).build();
            assertThatThrownBy(() -> new NettyReferenceModel(transport).start(config)).isInstanceOf(BindException.class);
        }
        Set<Thread> leftover = liveThreads();
        leftover.removeAll(before);
        assertThat(leftover).isEmpty();
    }

    @Test
    @DisplayName("speaks only the length-prefixed codec, and says so")
    void otherCodecsRejected() {
        ServerConfig config = config().codec(LineCodec.INSTANCE).build();
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new NettyReferenceModel(NettyTransport.NIO).start(config))
                .withMessageContaining("netty-nio speaks only the length-prefixed codec, not line");
    }

    @Test
    @DisplayName("all() lists what this machine can run, skipped() says why the rest cannot; none is a ServiceLoader model")
    void referenceServersListing() {
        List<String> available = ReferenceServers.all().stream().map(ServerModel::name).toList();
        assertThat(available).contains("netty-nio", "netty-nio-executor");
        assertThat(ReferenceServers.named("netty-nio-executor").name()).isEqualTo("netty-nio-executor");
        for (NettyTransport t : NettyTransport.values()) {
            if (t.isAvailable()) {
                assertThat(available).contains(t.modelName());
            } else {
                assertThat(ReferenceServers.skipped()).anySatisfy(line -> assertThat(line)
                        .startsWith(t.modelName() + " skipped").contains(t.unavailabilityCause()));
            }
        }
        ReferenceServers.skipped().forEach(System.out::println);
        assertThat(ServerModel.discover()).extracting(ServerModel::name).noneMatch(n -> n.startsWith("netty-"));
        assertThat(ReferenceServers.named("netty-epoll").name()).isEqualTo("netty-epoll");
        assertThatIllegalArgumentException().isThrownBy(() -> ReferenceServers.named("netty-kqueue"))
                .withMessageContaining("netty-io_uring");
    }
}
