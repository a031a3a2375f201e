package dev.reactorworkbench.echoprotocol.server;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EchoHandlerTest {

    @Test
    @DisplayName("the reply is the frame, byte for byte, for empty and large frames")
    void echoes() {
        EchoHandler handler = new EchoHandler(0);
        byte[] big = new byte[100_000];
        new Random(1).nextBytes(big);

        assertThat(handler.handle(new byte[0])).isEmpty();
        assertThat(handler.handle(big)).isEqualTo(big);
        assertThat(handler.workMicros()).isZero();
    }

    @Test
    @DisplayName("with work > 0 it still echoes exactly, and leaves the frame unchanged")
    void workStillEchoes() {
        EchoHandler handler = new EchoHandler(50);
        byte[] frame = new byte[1_000];
        new Random(2).nextBytes(frame);
        byte[] copy = frame.clone();

        assertThat(handler.handle(frame)).isEqualTo(copy);
        assertThat(frame).isEqualTo(copy);
        assertThat(handler.handle(new byte[0])).isEmpty();
        assertThat(handler.workMicros()).isEqualTo(50);
        assertThat(handler).hasToString("echo(work=50us)");
    }

    @Test
    @DisplayName("with work > 0 on a view in the middle of a buffer, it hashes and echoes exactly that view")
    void workOnAView() {
        EchoHandler handler = new EchoHandler(20);
        byte[] bytes = new byte[600];
        new Random(3).nextBytes(bytes);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(700).position(50).put(bytes).flip().position(50);
        java.nio.ByteBuffer view = buffer.asReadOnlyBuffer();

        handler.spendWork(view);
        assertThat(view.position()).isEqualTo(50);
        assertThat(view.limit()).isEqualTo(650);

        ReplyBuffer reply = new ReplyBuffer(600);
        handler.handle(view, reply);
        assertThat(reply.toByteArray()).isEqualTo(bytes);
    }

    @Test
    @DisplayName("negative work, or more than a second, is rejected with the range")
    void rejectsBadWork() {
        assertThatThrownBy(() -> new EchoHandler(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("work must be in 0..1000000 microseconds, was -1");
        assertThatThrownBy(() -> new EchoHandler(1_000_001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 1000001");
    }
}
