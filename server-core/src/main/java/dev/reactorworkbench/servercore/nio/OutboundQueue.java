package dev.reactorworkbench.servercore.nio;

import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;

/**
 * The replies one connection owes its peer, not yet written to the socket. Carries no threading
 * policy: it belongs to whichever single thread writes that connection (a reactor, an I/O thread,
 * a completion handler holding the connection's write turn).
 *
 * <p>Water marks: once the queued bytes pass the high mark, {@link #isAboveHighWater()} turns
 * true and stays true until they fall to the low mark, so the owner can stop reading a peer that
 * does not read its replies, without flapping on every write.
 */
public final class OutboundQueue {

    /** Most buffers handed to one gathering write. */
    static final int MAX_GATHER = 64;
    // One scratch array per thread for gathering writes, so a connection does not carry one.
    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuffer[MAX_GATHER]);

    private final int highWaterMark;
    private final int lowWaterMark;
    private final ServerStats stats;
    private ArrayDeque<ByteBuffer> buffers; // created on first use: an idle connection holds none
    private long pendingBytes;
    private boolean aboveHighWater;

    public OutboundQueue(int lowWaterMark, int highWaterMark, ServerStats stats) {
        this.lowWaterMark = lowWaterMark;
        this.highWaterMark = highWaterMark;
        this.stats = stats;
    }

    /** Queues one encoded reply; it is written by the next {@link #flushTo}. */
    public void add(ByteBuffer reply) {
        int n = reply.remaining();
        if (n == 0) {
            return;
        }
        if (buffers == null) {
            buffers = new ArrayDeque<>(4);
        }
        buffers.addLast(reply);
        pendingBytes += n;
        stats.outboundPending(n);
        if (pendingBytes > highWaterMark) {
            aboveHighWater = true;
        }
    }

    /**
     * Writes as much as the socket takes, several replies per system call when several are
     * queued (gathering write). Never blocks on a non-blocking channel.
     *
     * @return true when everything was written, false when the socket buffer is full and the
     *         owner should wait for the channel to become writable
     */
    public boolean flushTo(GatheringByteChannel channel) throws IOException {
        while (buffers != null && !buffers.isEmpty()) {
            long written;
            if (buffers.size() == 1) {
                written = channel.write(buffers.peekFirst());
            } else {
                ByteBuffer[] batch = SCRATCH.get();
                int count = 0;
                for (ByteBuffer b : buffers) {
                    batch[count++] = b;
                    if (count == MAX_GATHER) {
                        break;
                    }
                }
                try {
                    written = channel.write(batch, 0, count);
                } finally {
                    java.util.Arrays.fill(batch, 0, count, null);
                }
            }
            if (written > 0) {
                released(written);
            }
            while (!buffers.isEmpty() && !buffers.peekFirst().hasRemaining()) {
                buffers.pollFirst();
            }
            if (written == 0 && !buffers.isEmpty()) {
                return false; // socket buffer full
            }
        }
        return true;
    }

    /**
     * For an asynchronous writer (a proactor), which hands buffers to the operating system and
     * learns only later how many bytes went out: the queued buffers from the head, at most
     * {@value #MAX_GATHER}, in a new array the caller keeps until that write completes (the
     * channel holds on to it meanwhile). The buffers stay queued; report the completed write
     * with {@link #written(long)}. Empty when nothing is queued.
     */
    public ByteBuffer[] nextBatch() {
        if (buffers == null || buffers.isEmpty()) {
            return new ByteBuffer[0];
        }
        ByteBuffer[] batch = new ByteBuffer[Math.min(buffers.size(), MAX_GATHER)];
        int count = 0;
        for (ByteBuffer b : buffers) {
            batch[count++] = b;
            if (count == batch.length) {
                break;
            }
        }
        return batch;
    }

    /**
     * An asynchronous write of buffers from {@link #nextBatch()} completed, {@code n} bytes long
     * (the channel already advanced the buffers' positions): releases those bytes and drops the
     * buffers that are now fully written. A partial write leaves the rest at the head.
     */
    public void written(long n) {
        if (n < 0 || n > pendingBytes) {
            throw new IllegalArgumentException("written " + n + " bytes, but " + pendingBytes + " were pending");
        }
        if (n > 0) {
            released(n);
        }
        while (buffers != null && !buffers.isEmpty() && !buffers.peekFirst().hasRemaining()) {
            buffers.pollFirst();
        }
    }

    private void released(long written) {
        pendingBytes -= written;
        stats.outboundPending(-written);
        stats.bytesOut(written);
        if (pendingBytes <= lowWaterMark) {
            aboveHighWater = false;
        }
    }

    /** Replies (buffers) queued: how many the next {@link #flushTo} gathers, up to its limit. */
    public int queued() {
        return buffers == null ? 0 : buffers.size();
    }

    public boolean isEmpty() {
        return pendingBytes == 0;
    }

    public long pendingBytes() {
        return pendingBytes;
    }

    /** True from passing the high water mark until falling back to the low water mark. */
    public boolean isAboveHighWater() {
        return aboveHighWater;
    }

    /** Drops whatever is queued (the connection is closing) and gives the bytes back to the stats. */
    public void discard() {
        if (pendingBytes != 0) {
            stats.outboundPending(-pendingBytes);
        }
        pendingBytes = 0;
        buffers = null;
        aboveHighWater = false;
    }
}
