package dev.reactorworkbench.comparisonbench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection: the requests it has in flight, the frame it is writing, the reply it is
 * reading. Every field belongs to the one {@link LoadClientThread} that owns the connection; no
 * other thread touches it.
 *
 * <p>Requests are numbered {@code 0, 1, 2, ...} per connection. The server must answer them in
 * order, so the requests in flight are exactly {@code completed .. issued - 1}, and the reply
 * being read always belongs to request {@code completed}: a ring of {@code depth} time stamps,
 * indexed by number, is all the bookkeeping needed.
 */
final class LoadConnection {

    /** Receives each checked reply. */
    interface ReplySink {
        /**
         * @param stamp when the request counts as sent: its send time (closed loop) or its due
         *              time (open loop)
         * @param now   when the reply was read
         */
        void replied(long stamp, long now);
    }

    /** A reply that breaks the protocol: it fails the run. */
    static final class ReplyException extends Exception {
        ReplyException(String message) {
            super(message);
        }
    }

    private static final int HEADER = 4;
    private static final int MAX_OUT_BUFFER = 64 * 1024;

    final int id;                  // global index, 0 .. connections - 1
    private final SocketChannel channel;
    private final int payload;
    private final int depth;
    private final long[] stamps;   // stamps[seq % depth]: when request seq counts as sent
    private final ByteBuffer out;  // encoded bytes not yet written; kept in fill mode
    private final RespRequests resp; // null: length-prefixed echo; else RESP SET/GET (its own encoding and checks)
    private SelectionKey key;
    private int interest;

    private long issued;           // requests issued so far = number of the next one
    private long completed;        // replies read and checked so far = number of the one being read

    // Writing: the frame being copied into `out`, and how far.
    private long encodeSeq;
    private int encodeOffset;      // 0..3: header bytes, then 4 + payload index

    // Reading: the reply frame of request `completed`.
    private int headerRead;        // prefix bytes read, 0..4
    private long replyLength;      // uint32, so long
    private int replyOffset;       // payload bytes read
    private long replyPrefix;      // the first 8 payload bytes as read, for diagnosis
    private int mismatchAt;        // first differing payload byte, or -1
    private byte mismatchGot;      // the byte received there

    // Open loop: this connection's next due request, and whether it sits in the thread's due queue.
    long nextDue;
    boolean queued;
    // Set once the connection will send nothing more and owes nothing.
    boolean done;

    LoadConnection(int id, SocketChannel channel, int payload, int depth) {
        this(id, channel, payload, depth, LoadProtocol.ECHO);
    }

    LoadConnection(int id, SocketChannel channel, int payload, int depth, LoadProtocol protocol) {
        this.resp = protocol == LoadProtocol.RESP ? new RespRequests(id, payload) : null;
        this.id = id;
        this.channel = channel;
        this.payload = payload;
        this.depth = depth;
        this.stamps = new long[depth];
        long frames = (long) depth * (HEADER + payload);
        this.out = ByteBuffer.allocate((int) Math.max(64, Math.min(MAX_OUT_BUFFER, frames)));
        this.mismatchAt = -1;
    }

    SocketChannel channel() {
        return channel;
    }

    void registered(SelectionKey key) {
        this.key = key;
        this.interest = key.interestOps();
    }

    long issued() {
        return issued;
    }

    long completed() {
        return completed;
    }

    int outstanding() {
        return (int) (issued - completed);
    }

    boolean hasRoom() {
        return issued - completed < depth;
    }

    /** Puts one more request in flight; its bytes go out with the next {@link #flush()}. */
    void issue(long stamp) {
        stamps[(int) (issued % depth)] = stamp;
        issued++;
    }

    /**
     * Copies waiting requests into the outbound buffer and writes as much as the socket takes.
     * Asks for OP_WRITE only while bytes are left over, i.e. while the socket buffer is full.
     */
    void flush() throws IOException {
        while (true) {
            encode();
            if (out.position() == 0) {
                interest(SelectionKey.OP_READ);
                return;
            }
            out.flip();
            channel.write(out);
            boolean all = !out.hasRemaining();
            out.compact();
            if (!all) {
                interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                return;
            }
        }
    }

    private void encode() {
        if (resp != null) {
            resp.encode(issued, out);
            return;
        }
        while (encodeSeq < issued && out.hasRemaining()) {
            if (encodeOffset == 0 && out.remaining() >= HEADER) {
                out.putInt(payload);
                encodeOffset = HEADER;
            }
            while (encodeOffset < HEADER && out.hasRemaining()) {
                out.put((byte) (payload >>> (8 * (HEADER - 1 - encodeOffset))));
                encodeOffset++;
            }
            if (encodeOffset < HEADER) {
                return; // out is full in the middle of a header
            }
            int from = encodeOffset - HEADER;
            int n = Math.min(out.remaining(), payload - from);
            Payload.fill(id, encodeSeq, from, n, out);
            encodeOffset += n;
            if (encodeOffset == HEADER + payload) {
                encodeSeq++;
                encodeOffset = 0;
            }
        }
    }

    private void interest(int ops) {
        if (ops != interest) {
            key.interestOps(ops);
            interest = ops;
        }
    }

    /**
     * Reads what the socket has and checks every reply in it.
     *
     * @return false when the server closed the connection
     */
    boolean read(ByteBuffer buffer, long now, ReplySink sink) throws IOException, ReplyException {
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                return false;
            }
            buffer.flip();
            decode(buffer, now, sink);
            if (n < buffer.capacity()) {
                return true; // the socket is drained
            }
        }
    }

    // tag::check[]
    private void decode(ByteBuffer in, long now, ReplySink sink) throws ReplyException {
        if (resp != null) {
            resp.check(in, this, now, sink);
            return;
        }
        while (in.hasRemaining()) {
            // 1. The length prefix, possibly split over reads.
            if (headerRead < HEADER) {
                if (headerRead == 0 && completed == issued) {
                    throw new ReplyException("connection " + id + ": the server sent a frame with no request outstanding"
                            + " (after " + completed + " replies)");
                }
                replyLength = (replyLength << 8) | (in.get() & 0xFF);
                if (++headerRead < HEADER) {
                    continue;
                }
                if (replyLength != payload) {
                    throw new ReplyException("connection " + id + ": the reply to request #" + completed
                            + " announces " + replyLength + " bytes, the request had " + payload);
                }
            }
            // 2. The payload, compared byte for byte with what request `completed` carried.
            int take = Math.min(in.remaining(), payload - replyOffset);
            for (int k = replyOffset; k < Math.min(8, replyOffset + take); k++) {
                replyPrefix |= (in.get(in.position() + k - replyOffset) & 0xFFL) << (8 * k);
            }
            int start = in.position();
            int mismatch = Payload.firstMismatch(id, completed, replyOffset, take, in);
            if (mismatch >= 0 && mismatchAt < 0) {
                mismatchAt = mismatch;
                mismatchGot = in.get(start + mismatch - replyOffset);
            }
            replyOffset += take;
            // 3. A whole reply: fail on any difference, else hand its latency on.
            if (replyOffset == payload) {
                if (mismatchAt >= 0) {
                    throw new ReplyException(describeMismatch());
                }
                headerRead = 0;
                replyLength = 0;
                replyOffset = 0;
                replyPrefix = 0;
                replyChecked(now, sink);
            }
        }
    }
    // end::check[]

    /** The reply to request {@code completed} was read and checked in full: hand its latency on. */
    void replyChecked(long now, ReplySink sink) {
        long stamp = stamps[(int) (completed % depth)];
        completed++;
        sink.replied(stamp, now);
    }

    private String describeMismatch() {
        // Word 0 of every payload is the request's number: a reply carrying a later request's
        // number means the reply to this one was skipped (lost, or sent out of order).
        if (payload >= 8 && replyPrefix > completed && replyPrefix < issued) {
            return "connection " + id + ": the reply to request #" + completed + " is missing: the reply in its place"
                    + " carries request #" + replyPrefix + " (a reply was lost or came out of order)";
        }
        byte sent = Payload.byteAt(id, completed, mismatchAt);
        return String.format("connection %d: the reply to request #%d differs from the request at payload byte %d of %d"
                + " (sent 0x%02x, got 0x%02x)", id, completed, mismatchAt, payload, sent & 0xFF, mismatchGot & 0xFF);
    }

    /** Closes the socket; safe to call twice. */
    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a client socket at the end of a run: nothing left to report
        }
    }
}
