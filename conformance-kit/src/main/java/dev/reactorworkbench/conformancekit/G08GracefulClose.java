package dev.reactorworkbench.conformancekit;

import static dev.reactorworkbench.conformancekit.Await.awaitValue;
import static dev.reactorworkbench.conformancekit.Payloads.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Guarantee 8: {@code close()} stops accepting, flushes the replies to everything already read,
 * closes every connection, joins every thread, and frees the port.
 */
public abstract class G08GracefulClose extends Guarantee {

    protected G08GracefulClose(ServerUnderTest target) {
        super(target);
    }

    @Order(1)
    @Test
    @DisplayName("close() flushes the replies to everything read, closes every connection, ends every thread and frees the port")
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

    @Order(2)
    @Test
    @DisplayName("close() still returns, closes the connection and ends every thread when a client never reads its replies")
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
        Await.awaitStall(written::get, writer::isDone, Duration.ofMillis(500), Duration.ofSeconds(30));

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
}
