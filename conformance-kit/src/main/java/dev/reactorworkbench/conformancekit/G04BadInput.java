package dev.reactorworkbench.conformancekit;

import static dev.reactorworkbench.conformancekit.Await.awaitValue;
import static dev.reactorworkbench.conformancekit.Payloads.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactorworkbench.echoprotocol.client.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LineCodec;
import dev.reactorworkbench.echoprotocol.server.RunningServer;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Guarantee 4: bad input (oversized length, over-long line) closes only that connection, counted. */
public abstract class G04BadInput extends Guarantee {

    protected G04BadInput(ServerUnderTest target) {
        super(target);
    }

    @Order(1)
    @ParameterizedTest(name = "announced length {0}")
    @ValueSource(longs = {MIB + 1L, 0xFFFF_FFFFL})
    @DisplayName("an oversized length prefix closes only that connection and counts a protocol error")
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

    @Order(2)
    @Test
    @DisplayName("an over-long line closes only that connection and counts a protocol error")
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
}
