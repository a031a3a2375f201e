package dev.reactorworkbench.servercore.nio;

import dev.reactorworkbench.echoprotocol.server.ServerStats;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("OutboundQueue, as an asynchronous writer uses it (nextBatch + written)")
class OutboundQueueAsyncWriteTest {

    private final ServerStats stats = new ServerStats();

    @Test
    @DisplayName("a partial write keeps the unwritten rest at the head, and the stats follow every byte")
    void partialWriteKeepsTheRest() {
        OutboundQueue queue = new OutboundQueue(4, 8, stats);
        queue.add(ByteBuffer.wrap(new byte[]{1, 2, 3}));
        queue.add(ByteBuffer.wrap(new byte[]{4, 5, 6, 7}));

        ByteBuffer[] batch = queue.nextBatch();
        assertThat(batch).hasSize(2);
        // the channel wrote 5 of the 7 bytes: all of the first buffer, two of the second
        batch[0].position(3);
        batch[1].position(2);
        queue.written(5);

        assertThat(queue.pendingBytes()).isEqualTo(2);
        assertThat(stats.getBytesOut()).isEqualTo(5);
        assertThat(stats.getOutboundBytesPending()).isEqualTo(2);
        ByteBuffer[] rest = queue.nextBatch();
        assertThat(rest).hasSize(1);
        assertThat(rest[0].get()).isEqualTo((byte) 6);
    }

    @Test
    @DisplayName("the water marks turn on above the high mark and off again at the low mark")
    void waterMarks() {
        OutboundQueue queue = new OutboundQueue(4, 8, stats);
        queue.add(ByteBuffer.wrap(new byte[10]));
        assertThat(queue.isAboveHighWater()).isTrue();

        ByteBuffer[] batch = queue.nextBatch();
        batch[0].position(5);
        queue.written(5); // 5 left: still above the low mark
        assertThat(queue.isAboveHighWater()).isTrue();
        batch[0].position(6);
        queue.written(1); // 4 left: at the low mark
        assertThat(queue.isAboveHighWater()).isFalse();
        batch[0].position(10);
        queue.written(4);
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.nextBatch()).isEmpty();
    }

    @Test
    @DisplayName("a batch holds at most MAX_GATHER buffers, and a write longer than what is queued is refused")
    void batchIsBounded() {
        OutboundQueue queue = new OutboundQueue(0, 1 << 20, stats);
        for (int i = 0; i < OutboundQueue.MAX_GATHER + 3; i++) {
            queue.add(ByteBuffer.wrap(new byte[]{(byte) i}));
        }
        assertThat(queue.nextBatch()).hasSize(OutboundQueue.MAX_GATHER);
        assertThatThrownBy(() -> queue.written(OutboundQueue.MAX_GATHER + 4))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
