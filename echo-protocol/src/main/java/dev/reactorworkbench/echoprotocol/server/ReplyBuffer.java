package dev.reactorworkbench.echoprotocol.server;

import dev.reactorworkbench.echoprotocol.codec.Codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A {@link Reply} that collects the bytes in an array of its own: for a reply that must leave the
 * thread that computed it (a worker pool's, Redis 8's main thread's), and for a blocking model
 * that writes the replies to one read with one {@code write}. One thread at a time.
 *
 * <p>Two ways to use it. One reply: {@code new ReplyBuffer(n)}, pass it to the handler, then
 * {@link #toByteArray()}. Many framed replies into one reusable buffer: {@link #beginReply},
 * the handler, {@link #endReply} (or {@link #abortReply} if it threw), as often as needed, then
 * write {@link #array()} up to {@link #size()} and {@link #clear()}. Writing outside a reply (or
 * after {@code toByteArray()}) throws, so a handler that kept it cannot slip bytes in later.
 */
public final class ReplyBuffer implements Reply {

    /** A buffer grown past this is dropped by {@link #clear()}, so one large reply is not kept for good. */
    static final int KEEP_AT_MOST = 64 * 1024;
    private static final byte[] NONE = new byte[0];

    private byte[] bytes;
    private int size;
    private boolean lent;       // writes accepted: between beginReply and endReply, or before toByteArray
    private int replyStart;     // where the open reply's header starts
    private int headerLength;   // the open reply's header, reserved at replyStart

    /** A buffer for one reply, lent at once. */
    public ReplyBuffer(int expectedLength) {
        this.bytes = new byte[Math.max(16, expectedLength)];
        this.lent = true;
    }

    /**
     * A reusable buffer for framed replies: lent only between {@link #beginReply} and
     * {@link #endReply}. It allocates on the first reply, so a connection that never replies
     * holds no array.
     */
    public ReplyBuffer() {
        this.bytes = NONE;
    }

    @Override
    public void write(ByteBuffer src) {
        int n = src.remaining();
        ensure(n);
        src.get(bytes, size, n);
        size += n;
    }

    @Override
    public void write(byte[] src) {
        ensure(src.length);
        System.arraycopy(src, 0, bytes, size, src.length);
        size += src.length;
    }

    /** Starts a reply framed by {@code codec}: reserves its header. */
    public void beginReply(Codec codec) {
        replyStart = size;
        headerLength = codec.headerLength();
        lent = true;
        ensure(headerLength);
        size += headerLength;
    }

    /** Ends the reply begun last: fills its header and appends its trailer. */
    public void endReply(Codec codec) {
        int payload = size - replyStart - headerLength;
        byte[] trailer = codec.trailer();
        ensure(trailer.length);
        System.arraycopy(trailer, 0, bytes, size, trailer.length);
        size += trailer.length;
        if (headerLength > 0) {
            codec.putHeader(ByteBuffer.wrap(bytes), replyStart, payload);
        }
        lent = false;
    }

    /** Forgets the reply begun last (its handler failed). */
    public void abortReply() {
        size = replyStart;
        lent = false;
    }

    /** The bytes so far: {@link #array()} from 0 to this. */
    public int size() {
        return size;
    }

    /** The backing array; valid up to {@link #size()}, until the next write. */
    public byte[] array() {
        return bytes;
    }

    /** The bytes written, in an array of their exact size; the buffer takes no more writes. */
    public byte[] toByteArray() {
        lent = false;
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }

    /** Empties the buffer for the next replies; drops a backing array grown large. */
    public void clear() {
        size = 0;
        if (bytes.length > KEEP_AT_MOST) {
            bytes = NONE;
        }
    }

    private void ensure(int more) {
        if (!lent) {
            throw new IllegalStateException("a Reply is valid only during the handler call it was passed to");
        }
        long needed = (long) size + more;
        if (needed > bytes.length) {
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("reply too large: " + needed + " bytes");
            }
            long grown = Math.max(needed, Math.max(256, Math.min(Integer.MAX_VALUE - 8, 2L * bytes.length)));
            bytes = Arrays.copyOf(bytes, (int) grown);
        }
    }
}
