package dev.reactorworkbench.conformancekit;

import static dev.reactorworkbench.conformancekit.Await.awaitValue;
import static dev.reactorworkbench.conformancekit.Payloads.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.codec.LineCodec;
import dev.reactorworkbench.echoprotocol.codec.RawCodec;
import dev.reactorworkbench.echoprotocol.codec.RespCodec;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guarantee 1: exact echo for payloads from 0 bytes to maxFrameLength, however TCP splits or
 * coalesces them, on one connection and on 200 at once.
 */
public abstract class G01ExactEcho extends Guarantee {

    protected G01ExactEcho(ServerUnderTest target) {
        super(target);
    }

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

    @Order(1)
    @ParameterizedTest(name = "{0} codec, {1} bytes")
    @MethodSource("echoCases")
    @DisplayName("every payload from 0 bytes to maxFrameLength is echoed exactly, in every codec")
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

    @Order(2)
    @ParameterizedTest(name = "{0} codec")
    @ValueSource(strings = {"length-prefixed", "line"})
    @DisplayName("frames delivered one byte at a time are echoed exactly")
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

    @Order(3)
    @Test
    @DisplayName("1,000 frames coalesced into one write get 1,000 exact replies")
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

    @Order(4)
    @Test
    @DisplayName("200 concurrent connections x 200 frames of random sizes are each echoed byte for byte")
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
}
