package dev.reactorworkbench.comparisonbench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The RESP side of one {@link LoadConnection}: writes its requests as Redis commands and checks
 * every reply, byte for byte, without keeping a copy of what was sent.
 *
 * <p>Request {@code n} of connection {@code c}: an even {@code n} is
 * {@code SET load:c:k <payload of (c, n)>}, an odd {@code n} is {@code GET load:c:k} with
 * {@code k = (n / 2) mod 64}: a 50/50 SET/GET mix in which every GET reads the value the request
 * just before it set. Keys are the connection's own, so the expected reply is known whatever the
 * other connections do: {@code +OK} for a SET, {@code $<payload>\r\n<payload of (c, n - 1)>\r\n}
 * for a GET. 64 keys per connection keep the server's memory bounded however long the run.
 *
 * <p>Every field belongs to the client thread that owns the connection.
 */
final class RespRequests {

    /** Keys per connection. */
    static final int KEYS = 64;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = ascii("+OK\r\n");

    private final int conn;
    private final int payload;
    private final byte[] getReplyHead; // "$<payload>\r\n"

    // Writing: request encodeSeq, its head bytes, and how far into head + payload + tail.
    private long encodeSeq;
    private byte[] encodeHead;
    private int encodeOffset;

    // Reading: how far into the reply of request `completed`, and the first wrong byte seen.
    private int replyOffset;

    RespRequests(int conn, int payload) {
        this.conn = conn;
        this.payload = payload;
        this.getReplyHead = ascii("$" + payload + "\r\n");
    }

    static boolean isSet(long seq) {
        return (seq & 1) == 0;
    }

    private String key(long seq) {
        return "load:" + conn + ":" + ((seq >>> 1) % KEYS);
    }

    private byte[] requestHead(long seq) {
        String key = key(seq);
        return isSet(seq)
                ? ascii("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + payload + "\r\n")
                : ascii("*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n");
    }

    // tag::encode[]
    /** Copies requests {@code encodeSeq .. issued - 1} into {@code out} as far as it has room. */
    void encode(long issued, ByteBuffer out) {
        while (encodeSeq < issued && out.hasRemaining()) {
            if (encodeHead == null) {
                encodeHead = requestHead(encodeSeq);
            }
            int body = isSet(encodeSeq) ? payload : 0;  // the value, for a SET
            int tail = isSet(encodeSeq) ? 2 : 0;        // its CRLF
            int total = encodeHead.length + body + tail;
            while (encodeOffset < total && out.hasRemaining()) {
                if (encodeOffset < encodeHead.length) {
                    int n = Math.min(out.remaining(), encodeHead.length - encodeOffset);
                    out.put(encodeHead, encodeOffset, n);
                    encodeOffset += n;
                } else if (encodeOffset < encodeHead.length + body) {
                    int from = encodeOffset - encodeHead.length;
                    int n = Math.min(out.remaining(), body - from);
                    Payload.fill(conn, encodeSeq, from, n, out);
                    encodeOffset += n;
                } else {
                    out.put(CRLF[encodeOffset - encodeHead.length - body]);
                    encodeOffset++;
                }
            }
            if (encodeOffset == total) {
                encodeSeq++;
                encodeHead = null;
                encodeOffset = 0;
            }
        }
    }
    // end::encode[]

    // tag::check[]
    /**
     * Checks the reply bytes in {@code in} against what request {@code connection.completed()}
     * must get back, and completes each reply once all its bytes matched.
     */
    void check(ByteBuffer in, LoadConnection connection, long now, LoadConnection.ReplySink sink)
            throws LoadConnection.ReplyException {
        while (in.hasRemaining()) {
            long seq = connection.completed();
            if (replyOffset == 0 && seq == connection.issued()) {
                throw new LoadConnection.ReplyException("connection " + conn + ": the server sent a reply with no request"
                        + " outstanding (after " + seq + " replies): " + preview(in));
            }
            // SET: "+OK\r\n". GET: "$<n>\r\n", the value SET by request seq - 1, "\r\n".
            byte[] head = isSet(seq) ? OK : getReplyHead;
            int body = isSet(seq) ? 0 : payload;
            int tail = isSet(seq) ? 0 : 2;
            int total = head.length + body + tail;
            if (replyOffset < head.length) {
                if (in.get(in.position()) != head[replyOffset]) {
                    throw wrongReply(seq, in);
                }
                in.get();
                replyOffset++;
            } else if (replyOffset < head.length + body) {
                int from = replyOffset - head.length;
                int n = Math.min(in.remaining(), body - from);
                int start = in.position();
                int mismatch = Payload.firstMismatch(conn, seq - 1, from, n, in);
                if (mismatch >= 0) {
                    in.position(start + mismatch - from);
                    throw new LoadConnection.ReplyException("connection " + conn + ": the reply to request #" + seq
                            + " (GET " + key(seq) + ") differs from the value request #" + (seq - 1)
                            + " set at byte " + mismatch + " of " + payload);
                }
                replyOffset += n;
            } else {
                if (in.get(in.position()) != CRLF[replyOffset - head.length - body]) {
                    throw wrongReply(seq, in);
                }
                in.get();
                replyOffset++;
            }
            if (replyOffset == total) {
                replyOffset = 0;
                connection.replyChecked(now, sink);
            }
        }
    }
    // end::check[]

    private LoadConnection.ReplyException wrongReply(long seq, ByteBuffer in) {
        String request = isSet(seq) ? "SET " + key(seq) : "GET " + key(seq);
        String expected = isSet(seq) ? "+OK" : "a bulk string of " + payload + " bytes";
        return new LoadConnection.ReplyException("connection " + conn + ": the reply to request #" + seq + " (" + request
                + ") is not " + expected + ": at its byte " + replyOffset + " came " + preview(in));
    }

    /** Up to 80 bytes from the buffer's position, printable, for an error message. */
    private static String preview(ByteBuffer in) {
        StringBuilder s = new StringBuilder("'");
        for (int i = in.position(); i < Math.min(in.limit(), in.position() + 80); i++) {
            int b = in.get(i) & 0xFF;
            s.append(b == '\r' ? "\\r" : b == '\n' ? "\\n" : b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return s.append('\'').toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
