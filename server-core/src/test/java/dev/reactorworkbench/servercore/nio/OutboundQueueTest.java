package dev.reactorworkbench.servercore.nio;

import dev.reactorworkbench.echoprotocol.server.ServerStats;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class OutboundQueueTest {

    private final ServerStats stats = new ServerStats();

    /** Reply {@code i}: {@code length} bytes, each the reply's number, so order and completeness show. */
    private static byte[] reply(int i, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) i);
        return b;
    }

    private static ByteBuffer buf(byte[] b) {
        return ByteBuffer.wrap(b);
    }

    @ParameterizedTest(name = "socket takes at most {0} bytes per call")
    @ValueSource(ints = {1, 2, 3, 7, 100, Integer.MAX_VALUE})
    @DisplayName("replies come out complete and in order, however few bytes the socket takes per call")
    void completeAndInOrder(int perCall) throws Exception {
        OutboundQueue queue = new OutboundQueue(1_000, 2_000, stats);
        FakeSocketChannel socket = new FakeSocketChannel().perCall(perCall);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 1; i <= 10; i++) {
            byte[] r = reply(i, i * 13 % 29 + 1);
            expected.writeBytes(r);
            queue.add(buf(r));
        }

        assertThat(queue.flushTo(socket)).isTrue();

        assertThat(socket.bytes()).isEqualTo(expected.toByteArray());
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.pendingBytes()).isZero();
        assertThat(stats.getOutboundBytesPending()).isZero();
        assertThat(stats.getBytesOut()).isEqualTo(expected.size());
    }

    @Test
    @DisplayName("a full socket buffer makes flushTo return false and keep the rest, which a later flush finishes in order")
    void fullSocketBuffer() throws Exception {
        OutboundQueue queue = new OutboundQueue(1_000, 2_000, stats);
        FakeSocketChannel socket = new FakeSocketChannel().perCall(4).budget(10);
        queue.add(buf(reply(1, 6)));
        queue.add(buf(reply(2, 6)));
        queue.add(buf(reply(3, 6)));

        assertThat(queue.flushTo(socket)).isFalse();
        assertThat(socket.bytes()).hasSize(10);
        assertThat(queue.pendingBytes()).isEqualTo(8);
        assertThat(queue.isEmpty()).isFalse();

        socket.budget(Long.MAX_VALUE);
        assertThat(queue.flushTo(socket)).isTrue();
        byte[] all = socket.bytes();
        assertThat(all).hasSize(18);
        for (int i = 0; i < 18; i++) {
            assertThat(all[i]).as("byte %d", i).isEqualTo((byte) (i / 6 + 1));
        }
    }

    @Test
    @DisplayName("one queued reply goes out in a plain write, several in one gathering write")
    void gatheringWrite() throws Exception {
        FakeSocketChannel socket = new FakeSocketChannel();
        OutboundQueue one = new OutboundQueue(1_000, 2_000, stats);
        one.add(buf(reply(1, 10)));
        one.flushTo(socket);
        assertThat(socket.singleWrites).isEqualTo(1);
        assertThat(socket.gatherSizes).isEmpty();

        FakeSocketChannel socket2 = new FakeSocketChannel();
        OutboundQueue five = new OutboundQueue(1_000, 2_000, stats);
        for (int i = 1; i <= 5; i++) {
            five.add(buf(reply(i, 10)));
        }
        five.flushTo(socket2);
        assertThat(socket2.singleWrites).isZero();
        assertThat(socket2.gatherSizes).containsExactly(5);
    }

    @Test
    @DisplayName("a long queue is written in gathering writes of at most MAX_GATHER buffers each")
    void gatheringWriteBatches() throws Exception {
        FakeSocketChannel socket = new FakeSocketChannel();
        OutboundQueue queue = new OutboundQueue(100_000, 200_000, stats);
        int n = 2 * OutboundQueue.MAX_GATHER + 2;
        for (int i = 0; i < n; i++) {
            queue.add(buf(reply(i, 3)));
        }

        assertThat(queue.flushTo(socket)).isTrue();

        assertThat(socket.gatherSizes).containsExactly(OutboundQueue.MAX_GATHER, OutboundQueue.MAX_GATHER, 2);
        assertThat(socket.bytes()).hasSize(3 * n);
    }

    @Test
    @DisplayName("above the high water mark stays true until the queue falls to the low mark (hysteresis)")
    void waterMarks() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, 20, stats);
        FakeSocketChannel socket = new FakeSocketChannel().budget(0);

        queue.add(buf(reply(1, 15)));
        assertThat(queue.isAboveHighWater()).as("15 of 20").isFalse();
        queue.add(buf(reply(2, 5)));
        assertThat(queue.isAboveHighWater()).as("exactly at the high mark").isFalse();
        queue.add(buf(reply(3, 5)));
        assertThat(queue.isAboveHighWater()).as("25, past the high mark").isTrue();

        socket.budget(8);
        queue.flushTo(socket);
        assertThat(queue.pendingBytes()).isEqualTo(17);
        assertThat(queue.isAboveHighWater()).as("17: below high, above low").isTrue();

        socket.budget(6);
        queue.flushTo(socket);
        assertThat(queue.pendingBytes()).isEqualTo(11);
        assertThat(queue.isAboveHighWater()).as("11: still above low").isTrue();

        socket.budget(1);
        queue.flushTo(socket);
        assertThat(queue.pendingBytes()).isEqualTo(10);
        assertThat(queue.isAboveHighWater()).as("10: at the low mark").isFalse();

        queue.add(buf(reply(4, 5)));
        assertThat(queue.isAboveHighWater()).as("15: between the marks, coming from below").isFalse();
    }

    @Test
    @DisplayName("the stats' pending gauge is the sum over queues, its peak the highest sum, bytesOut what was written")
    void statsStayConsistent() throws Exception {
        OutboundQueue q1 = new OutboundQueue(1_000, 2_000, stats);
        OutboundQueue q2 = new OutboundQueue(1_000, 2_000, stats);
        q1.add(buf(reply(1, 30)));
        q2.add(buf(reply(2, 50)));
        assertThat(stats.getOutboundBytesPending()).isEqualTo(80);
        assertThat(stats.getOutboundBytesPendingPeak()).isEqualTo(80);

        q1.flushTo(new FakeSocketChannel());
        assertThat(stats.getOutboundBytesPending()).isEqualTo(50).isEqualTo(q1.pendingBytes() + q2.pendingBytes());
        assertThat(stats.getBytesOut()).isEqualTo(30);
        assertThat(stats.getOutboundBytesPendingPeak()).isEqualTo(80);

        q2.flushTo(new FakeSocketChannel().budget(20));
        assertThat(stats.getOutboundBytesPending()).isEqualTo(30).isEqualTo(q2.pendingBytes());
        assertThat(stats.getBytesOut()).isEqualTo(50);

        stats.resetOutboundPendingPeak();
        assertThat(stats.getOutboundBytesPendingPeak()).isEqualTo(30);
        q1.add(buf(reply(3, 5)));
        assertThat(stats.getOutboundBytesPendingPeak()).isEqualTo(35);
    }

    @Test
    @DisplayName("discard() gives the unwritten bytes back to the gauge and leaves an empty, reusable queue")
    void discard() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, 20, stats);
        queue.add(buf(reply(1, 60)));
        queue.add(buf(reply(2, 40)));
        queue.flushTo(new FakeSocketChannel().budget(40));
        assertThat(stats.getOutboundBytesPending()).isEqualTo(60);
        assertThat(queue.isAboveHighWater()).isTrue();

        queue.discard();

        assertThat(stats.getOutboundBytesPending()).isZero();
        assertThat(stats.getBytesOut()).as("discarded bytes were never written").isEqualTo(40);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.pendingBytes()).isZero();
        assertThat(queue.isAboveHighWater()).isFalse();

        FakeSocketChannel socket = new FakeSocketChannel();
        queue.add(buf(reply(3, 5)));
        assertThat(queue.flushTo(socket)).isTrue();
        assertThat(socket.bytes()).isEqualTo(reply(3, 5));
        assertThat(stats.getOutboundBytesPending()).isZero();
    }

    @Test
    @DisplayName("an empty reply is not queued, and flushing an empty queue writes nothing")
    void emptyReply() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, 20, stats);
        FakeSocketChannel socket = new FakeSocketChannel();

        queue.add(ByteBuffer.allocate(0));

        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.flushTo(socket)).isTrue();
        assertThat(socket.singleWrites).isZero();
        assertThat(socket.gatherSizes).isEmpty();
        assertThat(stats.getOutboundBytesPendingPeak()).isZero();
    }

    @Test
    @DisplayName("only the remaining bytes of a reply buffer are queued and written")
    void remainingOnly() throws Exception {
        OutboundQueue queue = new OutboundQueue(10, 20, stats);
        FakeSocketChannel socket = new FakeSocketChannel();
        ByteBuffer b = ByteBuffer.wrap(new byte[]{1, 2, 3, 4, 5});
        b.position(2);

        queue.add(b);

        assertThat(queue.pendingBytes()).isEqualTo(3);
        queue.flushTo(socket);
        assertThat(socket.bytes()).containsExactly(3, 4, 5);
    }
}
