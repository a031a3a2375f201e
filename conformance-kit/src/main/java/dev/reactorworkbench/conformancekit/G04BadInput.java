package dev.reactorworkbench.conformancekit;

import static dev.reactorworkbench.conformancekit.Await.awaitValue;
import static dev.reactorworkbench.conformancekit.Payloads.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactorworkbench.echoprotocol.client.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.codec.LineCodec;
import dev.reactorworkbench.echoprotocol.server.RunningServer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guarantee 4: bad input (oversized length, over-long line) closes only that connection, counted;
 * and input that ends the conversation ({@code CloseConnectionException}: a protocol error with an
 * answer, as RESP's, or a request to close, as {@code QUIT}) gets the replies owed, then the
 * farewell, then the close.
 */
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

    @Order(3)
    @ParameterizedTest(name = "farewell {0}, protocol error {1}")
    @CsvSource({"true, true", "true, false", "false, true"})
    @DisplayName("input that ends the conversation: the replies owed go out first, then the farewell, then the close; "
            + "only a protocol error is counted, and other connections carry on")
    @Timeout(30)
    void endOfConversationRepliesOwedThenFarewellThenClose(boolean withFarewell, boolean protocolError) throws Exception {
        byte[] bye = "bye".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer farewell = LENGTH_PREFIXED.encode(bye); // a frame, so the client can read it as one
        byte[] farewellBytes = new byte[farewell.remaining()];
        farewell.get(farewellBytes);
        RunningServer server = startServer(b -> b.codec(new ConversationEndingCodec(withFarewell ? farewellBytes : null,
                protocolError)));
        EchoClient client = connect(server, LENGTH_PREFIXED);
        EchoClient other = connect(server, LENGTH_PREFIXED);
        // Four frames in one write: the decoder sees them in one read, passes two on and ends the
        // conversation at the third, so both replies are still owed when it does.
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            frames.writeBytes(LengthPrefixedCodec.frame(Payloads.random(i, 100)));
        }
        client.sendRaw(frames.toByteArray());

        assertSameBytes("reply to frame 0", Payloads.random(0, 100), client.receive());
        assertSameBytes("reply to frame 1", Payloads.random(1, 100), client.receive());
        if (withFarewell) {
            assertThat(client.receive()).as("the farewell, after the replies owed").isEqualTo(bye);
        }
        assertClosedByServer(client, "the connection whose input ended the conversation");
        awaitValue("open connections", WAIT, server.stats()::getConnectionsOpen, 1);
        assertThat(server.stats().getProtocolErrors()).as("protocol errors").isEqualTo(protocolError ? 1 : 0);
        assertSameBytes("another connection is unaffected", Payloads.random(9, 50), other.echo(Payloads.random(9, 50)));
    }
}
