package dev.reactorworkbench.redis8asynciothreads;

import dev.reactorworkbench.conformancekit.ConversationEndingCodec;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing a connection whose replies are still on the main thread: the I/O thread decides to close
 * (a protocol error) or is told to (a failing handler), but every reply owed for the commands
 * before that point must come back across the hop and be written first.
 */
@Timeout(60)
class CloseAcrossTheHopTest {

    static final byte[] FAREWELL = "-ERR Protocol error: test farewell\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BOOM = bytes("boom");

    @Test
    @DisplayName("the decoder ends it after two commands still running on the main thread: two replies, the farewell, then EOF")
    void repliesFromTheMainThreadThenFarewellThenClose() throws Exception {
        // A slow handler: the farewell is decided on the I/O thread long before the replies are back.
        Handler slowEcho = Handler.ofBytes(frame -> {
            sleep(200);
            return frame;
        });
        ServerConfig config = ServerConfig.builder().port(0).codec(new ConversationEndingCodec(FAREWELL, true)).handler(slowEcho)
                .option("io-threads", "3").build();
        try (RunningServer server = new Redis8AsyncIoThreadsModel().start(config);
             Socket socket = connect(server)) {
            socket.getOutputStream().write(frames("first", "second", "third")); // one write: one read
            assertThat(readUntilEof(socket.getInputStream()))
                    .as("the two replies, then the farewell, then EOF")
                    .isEqualTo(concat(LengthPrefixedCodec.frame(bytes("first")), LengthPrefixedCodec.frame(bytes("second")), FAREWELL));
            assertThat(server.stats().getProtocolErrors()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a handler that throws on the main thread closes only its connection, after the replies owed before it")
    void failingHandlerClosesOnlyItsConnection() throws Exception {
        Handler echoUnlessBoom = Handler.ofBytes(frame -> {
            if (Arrays.equals(frame, BOOM)) {
                throw new IllegalStateException("handler bug");
            }
            return frame;
        });
        ServerConfig config = ServerConfig.builder().port(0).handler(echoUnlessBoom).option("io-threads", "3").build();
        try (RunningServer server = new Redis8AsyncIoThreadsModel().start(config);
             Socket victim = connect(server);
             Socket bystander = connect(server)) {
            victim.getOutputStream().write(frames("before", "boom", "after"));
            assertThat(readUntilEof(victim.getInputStream()))
                    .as("the reply owed before the failure, then EOF; nothing for the command after it")
                    .isEqualTo(LengthPrefixedCodec.frame(bytes("before")));
            bystander.getOutputStream().write(frames("still served"));
            assertThat(bystander.getInputStream().readNBytes(LengthPrefixedCodec.frame(bytes("still served")).length))
                    .as("the main thread survived: the other connection is still served")
                    .isEqualTo(LengthPrefixedCodec.frame(bytes("still served")));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.stats().getConnectionsOpen() != 1 && System.nanoTime() < deadline) {
                sleep(10);
            }
            assertThat(server.stats().getConnectionsOpen()).as("only the bystander stays open").isEqualTo(1);
        }
    }

    private static Socket connect(RunningServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(server.address());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] frames(String... payloads) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String p : payloads) {
            all.writeBytes(LengthPrefixedCodec.frame(bytes(p)));
        }
        return all.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return all.toByteArray();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Everything the server sends until it closes; fails on a read timeout (the server kept it open). */
    private static byte[] readUntilEof(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) >= 0; ) {
            all.write(buf, 0, n);
        }
        return all.toByteArray();
    }
}
