package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.echoprotocol.codec.CloseConnectionException;
import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.FrameDecoder;
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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of {@link CloseConnectionException}: when the decoder ends the conversation, the
 * replies still owed for the frames before it are written first, then the farewell, then the
 * connection closes (the client reads EOF), and a protocol error is counted.
 */
@Timeout(60)
class FarewellTest {

    static final byte[] FAREWELL = "-ERR Protocol error: test farewell\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    @DisplayName("a decoder that ends the conversation after two good frames: two replies, the farewell, then EOF")
    void repliesThenFarewellThenClose() throws Exception {
        ServerConfig config = ServerConfig.builder().port(0).codec(new ThirdFrameEndsIt()).handler(HANDLER).option("workers", "2").build();
        try (RunningServer server = new ReactorThreadPoolModel().start(config);
             Socket socket = new Socket()) {
            socket.connect(server.address());
            socket.setSoTimeout(20_000);
            byte[] first = "first".getBytes(StandardCharsets.US_ASCII);
            byte[] second = "second".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(LengthPrefixedCodec.frame(first));
            request.writeBytes(LengthPrefixedCodec.frame(second));
            request.writeBytes(LengthPrefixedCodec.frame("third".getBytes(StandardCharsets.US_ASCII)));
            socket.getOutputStream().write(request.toByteArray()); // one write: all three in one read

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(LengthPrefixedCodec.frame(first));
            expected.writeBytes(LengthPrefixedCodec.frame(second));
            expected.writeBytes(FAREWELL);
            assertThat(readUntilEof(socket.getInputStream()))
                    .as("the two replies, then the farewell, then EOF")
                    .isEqualTo(expected.toByteArray());
            assertThat(server.stats().getProtocolErrors()).isEqualTo(1);
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

    /** Length-prefixed frames; the third ends the conversation with a farewell, as RESP's protocol errors do. */
    static final class ThirdFrameEndsIt implements Codec {
        @Override
        public String name() {
            return "third-frame-ends-it";
        }

        @Override
        public FrameDecoder newDecoder(int maxFrameLength) {
            FrameDecoder frames = LengthPrefixedCodec.INSTANCE.newDecoder(maxFrameLength);
            return new FrameDecoder() {
                private int seen;

                @Override
                public void decode(ByteBuffer in, Consumer<byte[]> out) throws CloseConnectionException {
                    List<byte[]> decoded = new ArrayList<>();
                    frames.decode(in, decoded::add);
                    for (byte[] frame : decoded) {
                        if (++seen == 3) {
                            throw new CloseConnectionException("test: the third frame ends it", FAREWELL, true);
                        }
                        out.accept(frame);
                    }
                }

                @Override
                public int bufferedBytes() {
                    return frames.bufferedBytes();
                }
            };
        }

        @Override
        public ByteBuffer encode(byte[] reply) {
            return LengthPrefixedCodec.INSTANCE.encode(reply);
        }
    }

    /**
     * Echo after a pause, so the replies are still with the workers when the third frame ends the
     * conversation: the farewell must wait for them.
     */
    private static final Handler HANDLER = frame -> {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return frame;
    };
}
