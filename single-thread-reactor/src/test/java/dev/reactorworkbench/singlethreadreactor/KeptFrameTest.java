package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frame a handler gets is a view of the reactor's shared read buffer, lent for the call. A
 * handler that breaks the rule and keeps it must not reach another connection's bytes through it,
 * which sit in the very same place of that buffer once the other connection is read.
 */
@Timeout(60)
class KeptFrameTest {

    @Test
    @DisplayName("a handler that keeps a frame finds it empty and read-only later, while another connection's frame fills the same bytes")
    void keptFrameRevealsNothing() throws Exception {
        AtomicReference<ByteBuffer> kept = new AtomicReference<>();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Handler keeper = (frame, reply) -> {
            ByteBuffer earlier = kept.getAndSet(frame);
            if (earlier != null) {
                // The second call, on the other connection's frame: look through the first one's view.
                seen.add("remaining " + earlier.remaining());
                try {
                    seen.add("relative get gave '" + (char) earlier.get() + "'");
                } catch (BufferUnderflowException e) {
                    seen.add("relative get: underflow");
                }
                try {
                    seen.add("absolute get gave '" + (char) earlier.get(0) + "'");
                } catch (IndexOutOfBoundsException e) {
                    seen.add("absolute get: out of bounds");
                }
                try {
                    earlier.put(0, (byte) '!');
                    seen.add("put went through");
                } catch (ReadOnlyBufferException | IndexOutOfBoundsException e) {
                    seen.add("put refused");
                }
            }
            reply.write(frame);
        };
        // Same length, so the second frame lands exactly where the first one was read.
        byte[] first = "first connection: public words".getBytes(StandardCharsets.US_ASCII);
        byte[] secret = "second connection: SECRET DATA".getBytes(StandardCharsets.US_ASCII);
        ServerConfig config = ServerConfig.builder().port(0).handler(keeper).build();
        try (RunningServer server = new SingleThreadReactorModel().start(config);
             EchoClient a = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
             EchoClient b = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            assertThat(a.echo(first)).isEqualTo(first);
            assertThat(b.echo(secret)).as("the second connection's reply, untouched").isEqualTo(secret);
            assertThat(a.echo(first)).isEqualTo(first);
        }
        assertThat(seen).as("what the kept view showed during the later calls").containsExactly(
                "remaining 0", "relative get: underflow", "absolute get: out of bounds", "put refused",
                "remaining 0", "relative get: underflow", "absolute get: out of bounds", "put refused");
    }
}
