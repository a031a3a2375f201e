package dev.reactorworkbench.conformancekit;

import static dev.reactorworkbench.conformancekit.Await.awaitValue;
import static dev.reactorworkbench.conformancekit.Payloads.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.EOFException;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Guarantee 5: a reset, a half-close or a vanished client never leaks a connection, a buffer or a
 * thread; the open-connection count returns to zero.
 */
public abstract class G05NoLeaks extends Guarantee {

    protected G05NoLeaks(ServerUnderTest target) {
        super(target);
    }

    @Order(1)
    @Test
    @DisplayName("clients that reset mid-frame or mid-stream leave no connection open, and others are unaffected")
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

    @Order(2)
    @Test
    @DisplayName("a client that half-closes after sending still gets every reply, then EOF")
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
}
