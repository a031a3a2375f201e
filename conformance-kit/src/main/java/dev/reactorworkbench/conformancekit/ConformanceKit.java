package dev.reactorworkbench.conformancekit;

import static dev.reactorworkbench.conformancekit.Await.awaitCondition;
import static dev.reactorworkbench.conformancekit.Await.awaitValue;
import static dev.reactorworkbench.conformancekit.Payloads.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactorworkbench.echoprotocol.client.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.codec.LineCodec;
import dev.reactorworkbench.echoprotocol.codec.RawCodec;
import dev.reactorworkbench.echoprotocol.codec.RespCodec;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every model guarantees (DESIGN.md, "the 8 guarantees"), as tests. A model's test
 * is a few lines:
 * <pre>{@code
 * class ThreadPerConnectionConformanceTest extends ConformanceKit {
 *     @Override protected ServerModel model() { return new ThreadPerConnectionModel(); }
 * }
 * }</pre>
 * and may override {@link #configure} to set model options.
 *
 * <p>Every test starts its own server on {@code 127.0.0.1}, port 0, and the kit closes it (and
 * every client) after the test. Every wait is a bounded poll ({@link Await}), every client read has
 * a timeout and every test a {@link Timeout}, so a broken model fails instead of hanging. Tests are
 * numbered after the guarantee they check and run in that order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class ConformanceKit {

    /** Bound for waiting on the server's side of things (a counter, a close). Generous: CI is slow. */
    protected static final Duration WAIT = Duration.ofSeconds(10);
    /** Read timeout of every kit client: a server that owes a reply has this long to send it. */
    protected static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    protected static final int MIB = ServerConfig.MIB;
    protected static final Codec LENGTH_PREFIXED = LengthPrefixedCodec.INSTANCE;

    // Test thread only: what this test started, closed by closeEverything() whatever happened.
    private final List<EchoClient> clients = new ArrayList<>();
    private final List<RunningServer> servers = new ArrayList<>();

    /** The model under test; a fresh instance is fine. */
    protected abstract ServerModel model();

    /**
     * Hook for a model's test, e.g. to set a model option. The kit applies it before each
     * scenario's own settings (codec, limits, timeouts), which win where both set something.
     */
    protected ServerConfig.Builder configure(ServerConfig.Builder builder) {
        return builder;
    }

    /** Starts the model on 127.0.0.1, an ephemeral port, with {@code scenario}'s settings. */
    protected RunningServer startServer(UnaryOperator<ServerConfig.Builder> scenario) throws IOException {
        ServerConfig.Builder builder = configure(ServerConfig.builder().host("127.0.0.1").port(0));
        ServerConfig config = scenario.apply(builder.host("127.0.0.1").port(0)).build();
        RunningServer server = model().start(config);
        servers.add(server);
        return server;
    }

    /** A client with the kit's read timeout; closed after the test. */
    protected EchoClient connect(RunningServer server, Codec codec) throws IOException {
        EchoClient client = EchoClient.connect(server.address(), codec, MIB, READ_TIMEOUT);
        clients.add(client);
        return client;
    }

    @AfterEach
    void closeEverything() {
        // Clients first: a server owing replies to a client that is gone does not wait for it.
        for (EchoClient c : clients) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // already closed or reset
            }
        }
        // Then every server, even if one of them fails to close; the first failure fails the test.
        RuntimeException failure = null;
        for (RunningServer s : servers) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 1. Exact echo for payloads from 0 bytes to maxFrameLength, in every codec.

    static Stream<Arguments> echoCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Codec codec : Codec.all()) {
            if (codec == RespCodec.INSTANCE) {
                continue; // not an echo protocol: the redis-interop module tests it with the real Redis tools
            }
            for (int size : new int[] {0, 1, 64, 64 * 1024, MIB}) {
                if (codec == RawCodec.INSTANCE && size == 0) {
                    continue; // no framing: zero bytes is no message at all
                }
                cases.add(Arguments.of(codec.name(), size));
            }
        }
        return cases.stream();
    }

    @Order(10)
    @ParameterizedTest(name = "{0} codec, {1} bytes")
    @MethodSource("echoCases")
    @DisplayName("1. every payload from 0 bytes to maxFrameLength is echoed exactly, in every codec")
    @Timeout(30)
    void echoesEveryPayloadSizeExactly(String codecName, int size) throws Exception {
        Codec codec = Codec.named(codecName);
        RunningServer server = startServer(b -> b.codec(codec).maxFrameLength(MIB));
        EchoClient client = connect(server, codec);
        ServerStats stats = server.stats();

        if (codec == RawCodec.INSTANCE) {
            // No framing: the server echoes whatever each read brought, so write and read at once.
            byte[] payload = Payloads.random(size, size);
            ClientTask writer = ClientTask.start(() -> client.sendRaw(payload));
            byte[] echoed = client.receiveBytes(size);
            writer.join(WAIT);
            assertSameBytes("raw echo of " + size + " bytes", payload, echoed);
            awaitValue("bytes in", WAIT, stats::getBytesIn, size);
            awaitValue("bytes out", WAIT, stats::getBytesOut, size);
            return;
        }
        byte[] payload = codec == LineCodec.INSTANCE ? Payloads.withoutNewline(size, size) : Payloads.random(size, size);
        assertSameBytes(codecName + " echo of " + size + " bytes", payload, client.echo(payload));
        long wire = Payloads.wireLength(codec, payload);
        awaitValue("messages in", WAIT, stats::getMessagesIn, 1);
        awaitValue("messages out", WAIT, stats::getMessagesOut, 1);
        awaitValue("bytes in (request bytes on the wire)", WAIT, stats::getBytesIn, wire);
        awaitValue("bytes out (reply bytes on the wire)", WAIT, stats::getBytesOut, wire);
    }

    // ---------------------------------------------------------------------------------------------
    // 1 (cont.). However TCP splits or coalesces them.

    @Order(20)
    @ParameterizedTest(name = "{0} codec")
    @ValueSource(strings = {"length-prefixed", "line"})
    @DisplayName("2. frames delivered one byte at a time are echoed exactly")
    @Timeout(30)
    void framesSplitIntoSingleBytesAreEchoed(String codecName) throws Exception {
        Codec codec = Codec.named(codecName);
        RunningServer server = startServer(b -> b.codec(codec));
        EchoClient client = connect(server, codec);
        List<byte[]> payloads = List.of(Payloads.withoutNewline(1, 300), new byte[0], Payloads.withoutNewline(2, 17));

        client.sendRawByteByByte(Payloads.encodeAll(codec, payloads));

        for (int i = 0; i < payloads.size(); i++) {
            assertSameBytes("reply " + i, payloads.get(i), client.receive());
        }
        awaitValue("messages in", WAIT, server.stats()::getMessagesIn, payloads.size());
    }

    @Order(21)
    @Test
    @DisplayName("2. 1,000 frames coalesced into one write get 1,000 exact replies")
    @Timeout(30)
    void framesCoalescedIntoOneWriteAreEchoed() throws Exception {
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED));
        EchoClient client = connect(server, LENGTH_PREFIXED);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            payloads.add(Payloads.random(i, (i * 37) % 200));
        }
        byte[] oneWrite = Payloads.encodeAll(LENGTH_PREFIXED, payloads);

        // One write of ~100 KiB; read at the same time so neither side waits on a full buffer.
        ClientTask writer = ClientTask.start(() -> client.sendRaw(oneWrite));
        for (int i = 0; i < payloads.size(); i++) {
            assertSameBytes("reply " + i, payloads.get(i), client.receive());
        }
        writer.join(WAIT);
        awaitValue("messages in", WAIT, server.stats()::getMessagesIn, 1_000);
        awaitValue("messages out", WAIT, server.stats()::getMessagesOut, 1_000);
        awaitValue("bytes in", WAIT, server.stats()::getBytesIn, oneWrite.length);
    }

    // ---------------------------------------------------------------------------------------------
    // 2. Replies on one connection come back in request order.

    @Order(30)
    @ParameterizedTest(name = "handler work {0} us")
    @ValueSource(ints = {0, 50})
    @DisplayName("3. 1,000 pipelined frames on one connection come back in request order")
    @Timeout(60)
    void pipelinedRepliesComeBackInRequestOrder(int workMicros) throws Exception {
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).handler(new EchoHandler(workMicros)));
        EchoClient client = connect(server, LENGTH_PREFIXED);
        int count = 1_000;

        ClientTask writer = ClientTask.start(() -> {
            for (int i = 0; i < count; i++) {
                client.send(Payloads.sequenced(i, 4 + (i * 131) % 509));
            }
        });
        for (int i = 0; i < count; i++) {
            byte[] reply = client.receive();
            int sequence = Payloads.sequenceOf(reply);
            if (sequence != i) {
                throw new AssertionError("reply #" + i + " carries request #" + sequence + ": replies out of request order");
            }
            assertSameBytes("reply #" + i, Payloads.sequenced(i, 4 + (i * 131) % 509), reply);
        }
        writer.join(WAIT);
        awaitValue("messages out", WAIT, server.stats()::getMessagesOut, count);
    }

    // ---------------------------------------------------------------------------------------------
    // 1 + 2 under concurrency.

    @Order(40)
    @Test
    @DisplayName("4. 200 concurrent connections x 200 frames of random sizes are each echoed byte for byte")
    @Timeout(120)
    void manyConcurrentConnectionsAreEchoedExactly() throws Exception {
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED));
        int connections = 200;
        int frames = 200;
        int window = 20; // write 20, read 20: a client that wrote everything first could deadlock
        // against a server that (correctly) stops reading while its replies are not read.

        AtomicLong wireBytes = new AtomicLong(); // every request's bytes on the wire, in all
        List<ClientTask> tasks = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int connection = c;
            tasks.add(ClientTask.start(() -> {
                try (EchoClient client = EchoClient.connect(server.address(), LENGTH_PREFIXED, MIB, READ_TIMEOUT)) {
                    SplittableRandom random = new SplittableRandom(connection);
                    byte[][] sent = new byte[window][];
                    for (int done = 0; done < frames; done += window) {
                        for (int k = 0; k < window; k++) {
                            sent[k] = Payloads.random(random.nextLong(), 1 + random.nextInt(2048));
                            client.send(sent[k]);
                            wireBytes.addAndGet(LengthPrefixedCodec.HEADER + sent[k].length);
                        }
                        for (int k = 0; k < window; k++) {
                            assertSameBytes("connection " + connection + ", reply " + (done + k), sent[k], client.receive());
                        }
                    }
                }
            }));
        }
        ClientTask.joinAll(tasks, Duration.ofSeconds(90));

        ServerStats stats = server.stats();
        awaitValue("messages in", WAIT, stats::getMessagesIn, (long) connections * frames);
        awaitValue("messages out", WAIT, stats::getMessagesOut, (long) connections * frames);
        awaitValue("open connections after every client closed", WAIT, stats::getConnectionsOpen, 0);
        assertThat(stats.getConnectionsAccepted()).as("connections accepted").isEqualTo(connections);
        awaitValue("bytes in", WAIT, stats::getBytesIn, wireBytes.get());
        awaitValue("bytes out (an echo sends back what it read)", WAIT, stats::getBytesOut, wireBytes.get());
    }

    // ---------------------------------------------------------------------------------------------
    // 3. Bounded memory under a client that writes but never reads.

    @Order(50)
    @Test
    @DisplayName("5. a client that never reads cannot make the server buffer without limit, and then gets every byte")
    @Timeout(120)
    void clientThatNeverReadsCannotMakeTheServerBufferWithoutLimit() throws Exception {
        int lowWater = 64 * 1024;
        int highWater = 256 * 1024;
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).maxFrameLength(MIB)
                .writeWaterMarks(lowWater, highWater));
        EchoClient client = connect(server, LENGTH_PREFIXED);
        ServerStats stats = server.stats();
        int frameSize = 16 * 1024;
        int frameCount = 64 * MIB / frameSize; // 64 MiB: far more than every socket buffer on the path

        // 1. A writer writes 64 MiB of frames; nobody reads the replies yet.
        AtomicLong written = new AtomicLong();
        ClientTask writer = ClientTask.start(() -> {
            for (int i = 0; i < frameCount; i++) {
                client.send(Payloads.sequenced(i, frameSize));
                written.addAndGet(frameSize + LengthPrefixedCodec.HEADER);
            }
        });

        // 2. Wait (bounded) until the writer stalls: the socket buffers are full and the server
        //    has stopped reading. A server that buffers without limit never stalls it.
        awaitStall(written, writer, Duration.ofMillis(500), Duration.ofSeconds(30));
        if (writer.failed()) {
            writer.join(WAIT); // rethrows the writer's failure
        }
        assertThat(writer.isDone())
                .as("the client wrote all 64 MiB without reading a reply, so the server must have buffered"
                        + " the replies (outbound bytes pending peaked at %d)", stats.getOutboundBytesPendingPeak())
                .isFalse();
        long peakWhileNotReading = stats.getOutboundBytesPendingPeak();

        // 3. Start reading: every reply must arrive, complete and in order.
        for (int i = 0; i < frameCount; i++) {
            byte[] reply = client.receive();
            if (Payloads.sequenceOf(reply) != i) {
                throw new AssertionError("reply #" + i + " carries request #" + Payloads.sequenceOf(reply));
            }
            assertSameBytes("reply #" + i, Payloads.sequenced(i, frameSize), reply);
        }
        writer.join(WAIT);

        assertThat(peakWhileNotReading)
                .as("peak outbound bytes pending while the client was not reading (high water %d + 1 MiB allowed)", highWater)
                .isLessThanOrEqualTo(highWater + MIB);
        assertThat(stats.getOutboundBytesPendingPeak())
                .as("peak outbound bytes pending over the whole run")
                .isLessThanOrEqualTo(highWater + MIB);
        awaitValue("messages out", WAIT, stats::getMessagesOut, frameCount);
        awaitValue("outbound bytes pending once all is read", WAIT, stats::getOutboundBytesPending, 0);
    }

    /** Polls {@code progress} until it has not moved for {@code quiet}, the writer ended, or {@code max} passed. */
    private static void awaitStall(AtomicLong progress, ClientTask writer, Duration quiet, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long last = progress.get();
        long lastChange = System.nanoTime();
        while (!writer.isDone() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            long now = progress.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange >= quiet.toNanos()) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 4. Bad input closes only that connection, counted.

    @Order(60)
    @ParameterizedTest(name = "announced length {0}")
    @ValueSource(longs = {MIB + 1L, 0xFFFF_FFFFL})
    @DisplayName("6. an oversized length prefix closes only that connection and counts a protocol error")
    @Timeout(30)
    void oversizedLengthPrefixClosesOnlyThatConnection(long announced) throws Exception {
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).maxFrameLength(MIB));
        EchoClient good = connect(server, LENGTH_PREFIXED);
        assertSameBytes("echo before", Payloads.random(1, 100), good.echo(Payloads.random(1, 100)));

        EchoClient bad = connect(server, LENGTH_PREFIXED);
        bad.sendRaw(ByteBuffer.allocate(4 + 16).putInt((int) announced).put(new byte[16]).array());

        assertClosedByServer(bad, "the connection that announced " + announced + " bytes");
        awaitValue("protocol errors", WAIT, server.stats()::getProtocolErrors, 1);
        assertSameBytes("echo on the other connection afterwards", Payloads.random(2, 5000), good.echo(Payloads.random(2, 5000)));
        awaitValue("open connections", WAIT, server.stats()::getConnectionsOpen, 1);
        assertThat(server.stats().getProtocolErrors()).as("protocol errors").isEqualTo(1);
    }

    @Order(61)
    @Test
    @DisplayName("6. an over-long line closes only that connection and counts a protocol error")
    @Timeout(30)
    void overLongLineClosesOnlyThatConnection() throws Exception {
        int limit = 4096;
        RunningServer server = startServer(b -> b.codec(LineCodec.INSTANCE).maxFrameLength(limit));
        EchoClient good = connect(server, LineCodec.INSTANCE);
        byte[] longestAllowed = Payloads.withoutNewline(3, limit);
        assertSameBytes("a line of exactly maxFrameLength", longestAllowed, good.echo(longestAllowed));

        EchoClient bad = connect(server, LineCodec.INSTANCE);
        bad.send(Payloads.withoutNewline(4, limit + 1));

        assertClosedByServer(bad, "the connection that sent a line of maxFrameLength + 1 bytes");
        awaitValue("protocol errors", WAIT, server.stats()::getProtocolErrors, 1);
        assertSameBytes("echo on the other connection afterwards", Payloads.withoutNewline(5, 50), good.echo(Payloads.withoutNewline(5, 50)));
        awaitValue("open connections", WAIT, server.stats()::getConnectionsOpen, 1);
    }

    // ---------------------------------------------------------------------------------------------
    // 5. A reset, a half-close or a vanished client never leaks a connection.

    @Order(70)
    @Test
    @DisplayName("7. clients that reset mid-frame or mid-stream leave no connection open, and others are unaffected")
    @Timeout(30)
    void resetMidStreamLeaksNoConnection() throws Exception {
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).maxFrameLength(MIB));
        ServerStats stats = server.stats();

        // 1. A client that announced 100,000 bytes, sent 1,000 of them, and resets.
        EchoClient halfFrame = connect(server, LENGTH_PREFIXED);
        byte[] partial = ByteBuffer.allocate(4 + 1_000).putInt(100_000).put(Payloads.random(6, 1_000)).array();
        halfFrame.sendRaw(partial);
        awaitValue("bytes read of the partial frame", WAIT, stats::getBytesIn, partial.length);

        // 2. A client still sending, with replies in flight, that has read 10 of them and resets.
        EchoClient midStream = connect(server, LENGTH_PREFIXED);
        ClientTask writer = ClientTask.start(() -> {
            for (int i = 0; i < 200; i++) {
                midStream.send(Payloads.sequenced(i, 1024));
            }
        });
        for (int i = 0; i < 10; i++) {
            assertThat(Payloads.sequenceOf(midStream.receive())).as("reply #" + i).isEqualTo(i);
        }
        reset(halfFrame);
        reset(midStream);
        writer.awaitEnd(WAIT); // it may have finished, or failed on the socket we just reset

        awaitValue("open connections after both resets", WAIT, stats::getConnectionsOpen, 0);
        EchoClient after = connect(server, LENGTH_PREFIXED);
        assertSameBytes("echo on a new connection", Payloads.random(7, 100), after.echo(Payloads.random(7, 100)));
        assertThat(stats.getConnectionsAccepted()).as("connections accepted").isEqualTo(3);
    }

    @Order(71)
    @Test
    @DisplayName("7. a client that half-closes after sending still gets every reply, then EOF")
    @Timeout(30)
    void halfClosedClientGetsEveryReplyThenEof() throws Exception {
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED));
        EchoClient client = connect(server, LENGTH_PREFIXED);
        int count = 50;
        for (int i = 0; i < count; i++) {
            client.send(Payloads.sequenced(i, 4 + i * 7));
        }
        client.shutdownOutput();

        for (int i = 0; i < count; i++) {
            assertSameBytes("reply #" + i + " after the half-close", Payloads.sequenced(i, 4 + i * 7), client.receive());
        }
        assertThatThrownBy(client::receive).as("after the last reply the server closes its side")
                .isInstanceOf(EOFException.class);
        awaitValue("open connections", WAIT, server.stats()::getConnectionsOpen, 0);
        awaitValue("messages out", WAIT, server.stats()::getMessagesOut, count);
    }

    // ---------------------------------------------------------------------------------------------
    // 6. Idle connections are closed after the idle timeout; active ones are not.

    @Order(80)
    @Test
    @DisplayName("8. an idle connection is closed after the idle timeout and counted; an active one is not")
    @Timeout(30)
    void idleConnectionsAreClosedActiveOnesAreNot() throws Exception {
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).idleTimeout(Duration.ofSeconds(1)));
        ServerStats stats = server.stats();
        EchoClient idle = connect(server, LENGTH_PREFIXED);
        assertSameBytes("first echo on the soon idle connection", Payloads.random(8, 10), idle.echo(Payloads.random(8, 10)));
        EchoClient active = connect(server, LENGTH_PREFIXED);

        // A frame every 100 ms for 3 s: three idle timeouts long, never silent for one.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int sequence = 0;
        while (System.nanoTime() - end < 0) {
            byte[] payload = Payloads.sequenced(sequence++, 16);
            assertSameBytes("echo #" + sequence + " on the active connection", payload, active.echo(payload));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // pacing, not synchronisation
        }

        assertClosedByServer(idle, "the idle connection");
        awaitValue("idle closes", WAIT, stats::getIdleCloses, 1);
        awaitValue("open connections", WAIT, stats::getConnectionsOpen, 1);
        byte[] last = Payloads.random(9, 10);
        assertSameBytes("echo on the active connection after 3 s", last, active.echo(last));
        assertThat(stats.getIdleCloses()).as("idle closes (the active connection must not be one)").isEqualTo(1);
    }

    // ---------------------------------------------------------------------------------------------
    // 7. Over max connections, new connections are closed at once and counted.

    @Order(90)
    @Test
    @DisplayName("9. connections over the limit are closed at once and counted; admitted ones keep working")
    @Timeout(60)
    void connectionsOverTheLimitAreClosedAndCounted() throws Exception {
        int max = 5;
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).maxConnections(max));
        ServerStats stats = server.stats();
        List<EchoClient> admitted = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            EchoClient c = connect(server, LENGTH_PREFIXED);
            assertSameBytes("echo on admitted connection " + i, Payloads.random(i, 32), c.echo(Payloads.random(i, 32)));
            admitted.add(c);
        }
        awaitValue("open connections", WAIT, stats::getConnectionsOpen, max);

        for (int extra = 0; extra < 2; extra++) {
            EchoClient over = connect(server, LENGTH_PREFIXED);
            try {
                over.send(Payloads.random(100 + extra, 32));
            } catch (IOException e) {
                // already reset by the server: that is a close too
            }
            assertClosedByServer(over, "connection " + (max + 1 + extra) + " over the limit of " + max);
        }
        awaitValue("connections rejected", WAIT, stats::getConnectionsRejected, 2);

        for (int i = 0; i < max; i++) {
            byte[] p = Payloads.random(200 + i, 64);
            assertSameBytes("admitted connection " + i + " after the rejections", p, admitted.get(i).echo(p));
        }
        assertThat(stats.getConnectionsOpen()).as("open connections").isEqualTo(max);

        // One admitted connection leaves: a new one gets in (once the server has seen it leave).
        admitted.getFirst().close();
        awaitValue("open connections after one closed", WAIT, stats::getConnectionsOpen, max - 1);
        awaitCondition("a new connection is admitted after one closed", WAIT, () -> echoesOnNewConnection(server));
        awaitValue("open connections", WAIT, stats::getConnectionsOpen, max);
    }

    private boolean echoesOnNewConnection(RunningServer server) {
        try {
            EchoClient client = connect(server, LENGTH_PREFIXED);
            byte[] p = Payloads.random(300, 64);
            return Arrays.equals(p, client.echo(p));
        } catch (IOException e) {
            return false; // rejected: the server has not counted the close yet
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 8. close() stops accepting, flushes, closes every connection, joins every thread, frees the port.

    @Order(100)
    @Test
    @DisplayName("10. close() flushes the replies to everything read, closes every connection, ends every thread and frees the port")
    @Timeout(60)
    void closeFlushesClosesJoinsAndFreesThePort() throws Exception {
        Map<Long, LiveThreads.LiveThread> before = LiveThreads.snapshot();
        // Handler work (1 ms per frame) keeps replies owed when close() starts.
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).handler(new EchoHandler(1_000)));
        ServerStats stats = server.stats();
        int port = server.port();

        EchoClient idle = connect(server, LENGTH_PREFIXED);
        assertSameBytes("echo on the idle connection", Payloads.random(10, 10), idle.echo(Payloads.random(10, 10)));
        EchoClient pipelined = connect(server, LENGTH_PREFIXED);
        int count = 200;
        for (int i = 0; i < count; i++) {
            pipelined.send(Payloads.sequenced(i, 64 + i % 64)); // ~25 KB in all: fits the socket buffers
        }
        // 1. Wait until the server has read all 200 requests, then close it while none is read.
        awaitValue("messages read by the server", WAIT, stats::getMessagesIn, count + 1);
        ClientTask closer = ClientTask.start(server::close);

        // 2. Every reply still arrives, then EOF; the idle connection is closed too.
        for (int i = 0; i < count; i++) {
            assertSameBytes("reply #" + i + " during close()", Payloads.sequenced(i, 64 + i % 64), pipelined.receive());
        }
        assertThatThrownBy(pipelined::receive).as("EOF after the last reply").isInstanceOf(EOFException.class);
        assertClosedByServer(idle, "the idle connection");
        closer.join(WAIT);

        // 3. Right after close() returned: no thread the server started is alive, no connection is open.
        List<LiveThreads.LiveThread> leftBehind = LiveThreads.startedSince(before);
        assertThat(leftBehind).as("threads the server started that are still alive after close()").isEmpty();
        assertThat(stats.getConnectionsOpen()).as("open connections after close()").isZero();
        assertThat(stats.getMessagesOut()).as("messages out").isEqualTo(count + 1);

        // 4. Nobody accepts on the port any more, and it can be bound again at once.
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("connecting after close()")
                .isInstanceOf(ConnectException.class);
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(server.address());
            assertThat(again.getLocalPort()).isEqualTo(port);
        }

        // 5. close() is idempotent.
        server.close();
    }

    @Order(101)
    @Test
    @DisplayName("10. close() still returns, closes the connection and ends every thread when a client never reads its replies")
    @Timeout(90)
    void closeDoesNotHangOnAClientThatNeverReads() throws Exception {
        Map<Long, LiveThreads.LiveThread> before = LiveThreads.snapshot();
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).writeWaterMarks(64 * 1024, 256 * 1024));
        ServerStats stats = server.stats();
        EchoClient client = connect(server, LENGTH_PREFIXED);

        // 1. The client writes until the server stops reading it; it never reads a reply.
        AtomicLong written = new AtomicLong();
        ClientTask writer = ClientTask.start(() -> {
            for (int i = 0; i < 64 * MIB / (16 * 1024); i++) {
                client.send(Payloads.sequenced(i, 16 * 1024));
                written.addAndGet(16 * 1024 + LengthPrefixedCodec.HEADER);
            }
        });
        awaitStall(written, writer, Duration.ofMillis(500), Duration.ofSeconds(30));

        // 2. close() cannot flush replies nobody reads; it must still return, bounded.
        ClientTask closer = ClientTask.start(server::close);
        closer.join(Duration.ofSeconds(30));

        List<LiveThreads.LiveThread> leftBehind = LiveThreads.startedSince(before);
        assertThat(leftBehind).as("threads the server started that are still alive after close()").isEmpty();
        assertThat(stats.getConnectionsOpen()).as("open connections after close()").isZero();
        // The writer ends too: its connection is gone (it may see a reset, which is fine here).
        client.close();
        writer.awaitEnd(WAIT);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers shared by the scenarios; public where a model's own tests may want them.

    /**
     * Asserts the server closes {@code client}'s connection (EOF or reset) before the read timeout,
     * without sending it anything.
     */
    public static void assertClosedByServer(EchoClient client, String what) {
        try {
            byte[] reply = client.receive();
            throw new AssertionError(what + ": expected the server to close it, but it sent a reply of "
                    + reply.length + " bytes");
        } catch (EOFException e) {
            // closed cleanly
        } catch (SocketTimeoutException e) {
            throw new AssertionError(what + ": still open after the " + READ_TIMEOUT.toMillis() + " ms read timeout");
        } catch (IOException e) {
            // reset by the server: closed too
        }
    }

    /** Closes {@code client} with an RST instead of a FIN (SO_LINGER 0), as a crashed peer would. */
    public static void reset(EchoClient client) throws IOException {
        client.socket().setSoLinger(true, 0);
        client.close();
    }
}
