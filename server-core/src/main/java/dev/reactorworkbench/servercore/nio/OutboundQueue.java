package dev.reactorworkbench.servercore.nio;

import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.server.Reply;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The replies one connection owes its peer, not yet written to the socket. Carries no threading
 * policy: it belongs to whichever single thread writes that connection (a reactor, an I/O thread,
 * a completion handler holding the connection's write turn).
 *
 * <p>Two ways to fill it:
 * <ul>
 *   <li>With a {@link BufferPool} (the event-loop models): replies are written in place. The
 *       handler writes its payload straight into pooled buffers ({@link #beginReply}, then this
 *       queue is the handler's {@link Reply}, then {@link #endReply}); several replies share a
 *       buffer, a large one spans several, and each buffer goes back to the pool once the socket
 *       has taken all of it. A connection that owes nothing holds no buffer.</li>
 *   <li>Without one (the proactor): each {@link #add added} buffer is queued as it is, and handed
 *       to the operating system as it is ({@link #nextBatch()}).</li>
 * </ul>
 * Either way the queued buffers leave in gathering writes, up to {@value #MAX_GATHER} per call.
 *
 * <p>Water marks: once the queued bytes pass the high mark, {@link #isAboveHighWater()} turns
 * true and stays true until they fall to the low mark, so the owner can stop reading a peer that
 * does not read its replies, without flapping on every write.
 */
public final class OutboundQueue implements Reply {

    /** Most buffers handed to one gathering write: 2 MiB of pooled buffers, well under Linux's IOV_MAX. */
    static final int MAX_GATHER = 128;
    // One scratch array per thread for gathering writes, so a connection does not carry one.
    private static final ThreadLocal<ByteBuffer[]> SCRATCH = ThreadLocal.withInitial(() -> new ByteBuffer[MAX_GATHER]);

    private final int highWaterMark;
    private final int lowWaterMark;
    private final ServerStats stats;
    private final BufferPool pool;          // null: buffers are queued as added, not copied
    // Each queued buffer: position = the next byte to send, limit = the end of what is queued in it.
    private ArrayDeque<ByteBuffer> buffers; // created on first use: an idle connection holds none
    private long pendingBytes;
    private boolean aboveHighWater;
    // The reply being written in place, between beginReply() and endReply(); replyHead == null otherwise.
    private ByteBuffer replyHead;           // the buffer its header (or first byte) is in
    private int replyAt;                    // where in replyHead it starts
    private int replyHeader;                // bytes reserved there for its header
    private long replyBytes;                // payload written so far

    /** A queue that links the buffers it is given ({@link #add}), for an asynchronous writer. */
    public OutboundQueue(int lowWaterMark, int highWaterMark, ServerStats stats) {
        this(lowWaterMark, highWaterMark, stats, null);
    }

    /** A queue whose replies are written in place into buffers from {@code pool}. */
    public OutboundQueue(int lowWaterMark, int highWaterMark, ServerStats stats, BufferPool pool) {
        this.lowWaterMark = lowWaterMark;
        this.highWaterMark = highWaterMark;
        this.stats = stats;
        this.pool = pool;
    }

    /**
     * Queues bytes ready for the wire (an encoded reply, a farewell); written by the next
     * {@link #flushTo}. With a pool they are copied into its buffers, else the buffer itself is queued.
     */
    public void add(ByteBuffer reply) {
        checkNoReplyOpen();
        int n = reply.remaining();
        if (n == 0) {
            return;
        }
        if (pool != null) {
            append(reply);
        } else {
            buffers().addLast(reply);
        }
        queued(n);
    }

    // tag::reply[]
    /**
     * Starts a reply written in place: reserves the codec's header in the last buffer (or a new
     * one from the pool); from now until {@link #endReply} this queue is the handler's {@link Reply}.
     */
    public void beginReply(Codec codec) {
        checkNoReplyOpen();
        if (pool == null) {
            throw new IllegalStateException("replies are written in place only into pooled buffers");
        }
        int header = codec.headerLength();
        ByteBuffer tail = buffers == null ? null : buffers.peekLast();
        if (tail == null || room(tail) < Math.max(header, 1)) {
            tail = pool.take();
            buffers().addLast(tail);
        }
        replyHead = tail;
        replyAt = tail.limit();
        replyHeader = header;
        replyBytes = 0;
        tail.limit(replyAt + header); // the header's bytes, filled in by endReply
    }

    /** The handler's reply: copied into the pooled buffers, spanning as many as it needs. */
    @Override
    public void write(ByteBuffer src) {
        checkReplyOpen();
        replyBytes += src.remaining();
        append(src);
    }

    @Override
    public void write(byte[] bytes) {
        checkReplyOpen();
        replyBytes += bytes.length;
        append(bytes);
    }

    /** Ends the reply: the codec fills its header in and appends its trailer; it can now be written. */
    public void endReply(Codec codec) {
        checkReplyOpen();
        if (replyBytes > Integer.MAX_VALUE) {
            throw new IllegalStateException("a reply of " + replyBytes + " bytes does not fit a frame");
        }
        byte[] trailer = codec.trailer();
        append(trailer);
        if (replyHeader > 0) {
            codec.putHeader(replyHead, replyAt, (int) replyBytes);
        }
        replyHead = null;
        queued(replyHeader + replyBytes + trailer.length);
    }
    // end::reply[]

    /** Forgets the reply begun last (its handler threw): its bytes and the buffers it took are dropped. */
    public void abortReply() {
        if (replyHead == null) {
            return;
        }
        while (buffers.peekLast() != replyHead) {
            pool.give(buffers.pollLast());
        }
        replyHead.limit(replyAt);
        replyHead = null;
    }

    /**
     * Writes as much as the socket takes, several buffers per system call when several are
     * queued (gathering write). Never blocks on a non-blocking channel. Buffers fully written go
     * back to the pool.
     *
     * @return true when everything was written, false when the socket buffer is full and the
     *         owner should wait for the channel to become writable
     */
    public boolean flushTo(GatheringByteChannel channel) throws IOException {
        checkNoReplyOpen();
        while (pendingBytes > 0) {
            long written;
            ByteBuffer[] batch = SCRATCH.get();
            int count = 0;
            for (ByteBuffer b : buffers) {
                if (b.hasRemaining()) {
                    batch[count++] = b;
                    if (count == MAX_GATHER) {
                        break;
                    }
                }
            }
            try {
                written = count == 1 ? channel.write(batch[0]) : channel.write(batch, 0, count);
            } finally {
                Arrays.fill(batch, 0, count, null);
            }
            if (written > 0) {
                released(written);
            }
            dropWritten();
            if (written == 0 && pendingBytes > 0) {
                return false; // socket buffer full
            }
        }
        dropWritten();
        return true;
    }

    /**
     * For an asynchronous writer (a proactor), which hands buffers to the operating system and
     * learns only later how many bytes went out: the queued buffers from the head, at most
     * {@value #MAX_GATHER}, in a new array the caller keeps until that write completes (the
     * channel holds on to it meanwhile). The buffers stay queued; report the completed write
     * with {@link #written(long)}. Empty when nothing is queued. Only without a pool: a pooled
     * buffer in flight could be appended to meanwhile.
     */
    public ByteBuffer[] nextBatch() {
        if (pool != null) {
            throw new IllegalStateException("nextBatch() is for a queue without a pool");
        }
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
        dropWritten();
    }

    /** Buffers queued: how many the next {@link #flushTo} gathers, up to its limit. */
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
        if (pool != null && buffers != null) {
            for (ByteBuffer b; (b = buffers.pollFirst()) != null; ) {
                pool.give(b);
            }
        }
        buffers = null;
        replyHead = null;
        aboveHighWater = false;
    }

    private ArrayDeque<ByteBuffer> buffers() {
        if (buffers == null) {
            buffers = new ArrayDeque<>(4);
        }
        return buffers;
    }

    /** Copies {@code src} behind the last buffer's bytes, taking buffers from the pool as they fill. */
    private void append(ByteBuffer src) {
        while (src.hasRemaining()) {
            ByteBuffer tail = roomyTail();
            int n = Math.min(src.remaining(), room(tail));
            int at = tail.limit();
            tail.limit(at + n);
            tail.put(at, src, src.position(), n);
            src.position(src.position() + n);
        }
    }

    private void append(byte[] bytes) {
        for (int from = 0; from < bytes.length; ) {
            ByteBuffer tail = roomyTail();
            int n = Math.min(bytes.length - from, room(tail));
            int at = tail.limit();
            tail.limit(at + n);
            tail.put(at, bytes, from, n);
            from += n;
        }
    }

    /** The last buffer if it has room, else a new one from the pool, queued. */
    private ByteBuffer roomyTail() {
        ByteBuffer tail = buffers == null ? null : buffers.peekLast();
        if (tail == null || room(tail) == 0) {
            tail = pool.take();
            buffers().addLast(tail);
        }
        return tail;
    }

    private static int room(ByteBuffer b) {
        return b.capacity() - b.limit();
    }

    private void queued(long n) {
        pendingBytes += n;
        stats.outboundPending(n);
        if (pendingBytes > highWaterMark) {
            aboveHighWater = true;
        }
    }

    /** Drops the fully written buffers at the head; pooled ones go back to the pool. */
    private void dropWritten() {
        while (buffers != null && !buffers.isEmpty() && !buffers.peekFirst().hasRemaining()) {
            ByteBuffer b = buffers.pollFirst();
            if (pool != null) {
                pool.give(b);
            }
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

    private void checkReplyOpen() {
        if (replyHead == null) {
            throw new IllegalStateException("a Reply is valid only during the handler call it was passed to");
        }
    }

    private void checkNoReplyOpen() {
        if (replyHead != null) {
            throw new IllegalStateException("a reply is being written (beginReply without endReply)");
        }
    }
}
