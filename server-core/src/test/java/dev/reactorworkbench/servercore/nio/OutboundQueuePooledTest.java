package dev.reactorworkbench.servercore.nio;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.codec.LineCodec;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The queue with a pool: replies written in place into pooled buffers, given back once written. */
class OutboundQueuePooledTest {

    private static final LengthPrefixedCodec CODEC = LengthPrefixedCodec.INSTANCE;

    private final ServerStats stats = new ServerStats();
    private final BufferPool pool = new BufferPool();

    private static byte[] payload(int i, int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) i);
        return b;
    }

    /** One reply written in place, the payload handed in as two pieces (a view, then an array). */
    private static void reply(OutboundQueue queue, byte[] payload) {
        queue.beginReply(CODEC);
        int half = payload.length / 2;
        queue.write(ByteBuffer.wrap(payload, 0, half).asReadOnlyBuffer());
        queue.write(Arrays.copyOfRange(payload, half, payload.length));
        queue.endReply(CODEC);
    }

    @ParameterizedTest(name = "socket takes at most {0} bytes per call")
    @ValueSource(ints = {1, 3, 100, 5_000, Integer.MAX_VALUE})
    @DisplayName("replies written in place come out framed, complete and in order, and every buffer goes back to the pool")
    void framedCompleteAndInOrder(int perCall) throws Exception {
        OutboundQueue queue = new OutboundQueue(1 << 20, 2 << 20, stats, pool);
        FakeSocketChannel socket = new FakeSocketChannel().perCall(perCall);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 1; i <= 12; i++) {
            byte[] p = payload(i, i * 1_777 % 9_001); // 0 to 9 KiB: several replies per buffer, some across two
            expected.writeBytes(CODEC.encode(p).array());
            reply(queue, p);
        }
        assertThat(queue.pendingBytes()).isEqualTo(expected.size());

        while (!queue.flushTo(socket)) {
            // the fake socket takes perCall bytes a call; flushTo returns false only on a full socket
        }

        assertThat(socket.bytes()).isEqualTo(expected.toByteArray());
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.queued()).as("buffers still held by the drained connection").isZero();
        assertThat(pool.free()).as("every buffer taken is back in the pool").isEqualTo((int) pool.allocated());
        assertThat(stats.getOutboundBytesPending()).isZero();
        assertThat(stats.getBytesOut()).isEqualTo(expected.size());
    }

    @Test
    @DisplayName("sixteen small replies share one buffer and leave in one plain write")
    void smallRepliesShareABuffer() throws Exception {
        OutboundQueue queue = new OutboundQueue(1 << 20, 2 << 20, stats, pool);
        for (int i = 0; i < 16; i++) {
            reply(queue, payload(i, 64));
        }
        assertThat(queue.queued()).isEqualTo(1);
        FakeSocketChannel socket = new FakeSocketChannel();
        assertThat(queue.flushTo(socket)).isTrue();
        assertThat(socket.singleWrites).isEqualTo(1);
        assertThat(socket.gatherSizes).isEmpty();
        assertThat(socket.bytes()).hasSize(16 * 68);
    }

    @Test
    @DisplayName("a 1 MiB reply spans pooled buffers and leaves in one gathering write, not in many small ones")
    void largeReplyInOneWrite() throws Exception {
        OutboundQueue queue = new OutboundQueue(4 << 20, 8 << 20, stats, pool);
        byte[] big = payload(7, 1 << 20);
        reply(queue, big);
        int buffers = queue.queued();
        assertThat(buffers).isEqualTo((4 + big.length + BufferPool.CHUNK - 1) / BufferPool.CHUNK);

        FakeSocketChannel socket = new FakeSocketChannel();
        assertThat(queue.flushTo(socket)).isTrue();
        assertThat(socket.gatherSizes).containsExactly(buffers);
        assertThat(socket.singleWrites).isZero();
        assertThat(socket.bytes()).isEqualTo(CODEC.encode(big).array());
    }

    @Test
    @DisplayName("the line codec's replies get their newline; a farewell added after them is copied behind them")
    void lineRepliesAndFarewell() throws Exception {
        OutboundQueue queue = new OutboundQueue(1 << 20, 2 << 20, stats, pool);
        queue.beginReply(LineCodec.INSTANCE);
        queue.write("hello".getBytes(StandardCharsets.US_ASCII));
        queue.endReply(LineCodec.INSTANCE);
        byte[] farewell = "bye\n".getBytes(StandardCharsets.US_ASCII);
        queue.add(ByteBuffer.wrap(farewell));
        farewell[0] = 'X'; // copied: a later change does not reach the wire

        FakeSocketChannel socket = new FakeSocketChannel();
        assertThat(queue.flushTo(socket)).isTrue();
        assertThat(new String(socket.bytes(), StandardCharsets.US_ASCII)).isEqualTo("hello\nbye\n");
    }

    @Test
    @DisplayName("a reply whose handler threw is dropped with the buffers it took; the replies before it are intact")
    void abortedReply() throws Exception {
        OutboundQueue queue = new OutboundQueue(1 << 20, 2 << 20, stats, pool);
        reply(queue, payload(1, 100));
        queue.beginReply(CODEC);
        queue.write(payload(2, 3 * BufferPool.CHUNK)); // takes three more buffers
        queue.abortReply();

        assertThat(queue.queued()).isEqualTo(1);
        assertThat(queue.pendingBytes()).isEqualTo(104);
        FakeSocketChannel socket = new FakeSocketChannel();
        assertThat(queue.flushTo(socket)).isTrue();
        assertThat(socket.bytes()).isEqualTo(CODEC.encode(payload(1, 100)).array());
        assertThat(pool.free()).isEqualTo((int) pool.allocated());
    }

    @Test
    @DisplayName("the queue is a Reply only between beginReply and endReply: a handler that kept it cannot write later")
    void replyOnlyDuringTheCall() {
        OutboundQueue queue = new OutboundQueue(1 << 20, 2 << 20, stats, pool);
        reply(queue, payload(1, 10));
        assertThatThrownBy(() -> queue.write(payload(2, 10))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> queue.write(ByteBuffer.allocate(3))).isInstanceOf(IllegalStateException.class);
        assertThat(queue.pendingBytes()).isEqualTo(14);

        queue.beginReply(CODEC);
        assertThatThrownBy(() -> queue.flushTo(new FakeSocketChannel())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("a busy connection reuses the pool's buffers: after the first round no buffer is allocated")
    void poolIsReused() throws Exception {
        OutboundQueue queue = new OutboundQueue(1 << 20, 2 << 20, stats, pool);
        FakeSocketChannel socket = new FakeSocketChannel();
        reply(queue, payload(1, 4096));
        queue.flushTo(socket);
        long warm = pool.allocated();
        for (int i = 0; i < 1_000; i++) {
            reply(queue, payload(i, 4096));
            reply(queue, payload(i, 4096));
            assertThat(queue.flushTo(socket)).isTrue();
        }
        assertThat(pool.allocated()).isEqualTo(Math.max(warm, 1));
        assertThat(queue.queued()).isZero();
    }

    @Test
    @DisplayName("closing gives the queued buffers back to the pool")
    void discardGivesBack() {
        OutboundQueue queue = new OutboundQueue(1 << 20, 2 << 20, stats, pool);
        reply(queue, payload(1, 40_000));
        assertThat(pool.free()).isZero();
        queue.discard();
        assertThat(pool.free()).isEqualTo((int) pool.allocated()).isEqualTo(3);
        assertThat(stats.getOutboundBytesPending()).isZero();
    }
}
