package dev.reactorworkbench.echoprotocol.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * RESP2 requests, as {@code redis-cli} and {@code redis-benchmark} send them: multibulk commands
 * ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) and inline commands ({@code PING\r\n}, what {@code nc}
 * and {@code redis-benchmark -t ping_inline} send). Each command becomes one frame, always in the
 * multibulk form (an inline command is re-encoded), so the handler reads one shape; see
 * {@link #arguments(byte[])}. Replies are produced already encoded by the handler (the keyspace,
 * {@code dev.reactorworkbench.echoprotocol.resp}), so {@link #encode} passes them through.
 *
 * <p>Malformed input is treated as Redis 7 treats it ({@code networking.c},
 * {@code processInlineBuffer} and {@code processMultibulkBuffer}): the decoder throws a
 * {@link CloseConnectionException} whose farewell is Redis's own {@code -ERR Protocol error: ...}
 * line; every command decoded before it has been passed on. What Redis tolerates is tolerated:
 * {@code *0} and a negative count are skipped without a reply, empty inline lines are skipped, and
 * the two bytes after a bulk's data are skipped without looking at them.
 *
 * <p>{@code QUIT} (any case, any arguments) is passed on like any command (its reply is
 * {@code +OK}), then the decoder throws a {@link CloseConnectionException} with no farewell and
 * {@code protocolError() == false}; bytes after it are ignored, as Redis ignores them.
 */
public final class RespCodec implements Codec {

    public static final RespCodec INSTANCE = new RespCodec();

    /** Redis's PROTO_INLINE_MAX_SIZE: the longest inline command, count line or length line. */
    public static final int INLINE_MAX = 64 * 1024;
    /** The largest multibulk count accepted (Redis before 7 had this bound; 7.0 allows INT_MAX). */
    public static final int MAX_ARGUMENTS = 1024 * 1024;

    private RespCodec() {
    }

    @Override
    public String name() {
        return "resp";
    }

    /**
     * A decoder whose bulk strings may be up to {@code maxFrameLength} bytes. NOTE: Redis bounds a
     * client's whole query buffer (1 GiB); here one command may hold at most
     * {@code 2 * maxFrameLength + 64 KiB} bytes, and a longer one closes the connection without a
     * reply (a {@link FrameTooLongException}), as Redis closes a client over its query buffer limit.
     */
    @Override
    public FrameDecoder newDecoder(int maxFrameLength) {
        return new Decoder(maxFrameLength);
    }

    /** The reply is already RESP: written as it is (so no header and no trailer, Codec's defaults). */
    @Override
    public ByteBuffer encode(byte[] reply) {
        return ByteBuffer.wrap(reply);
    }

    /** A command in the frame form: {@code *N\r\n} then {@code $len\r\nbytes\r\n} per argument. */
    public static byte[] command(byte[]... arguments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeArray(out, Arrays.asList(arguments));
        return out.toByteArray();
    }

    /** {@link #command(byte[]...)} for text arguments (UTF-8). */
    public static byte[] command(String... arguments) {
        byte[][] bytes = new byte[arguments.length][];
        for (int i = 0; i < arguments.length; i++) {
            bytes[i] = arguments[i].getBytes(StandardCharsets.UTF_8);
        }
        return command(bytes);
    }

    /**
     * The arguments of a frame this codec decoded (or {@link #command} built): the command name
     * first. The frame is trusted to be well formed; anything else is a bug and throws.
     */
    public static byte[][] arguments(byte[] frame) {
        int[] pos = {1};
        int count = (int) readLine(frame, pos);
        byte[][] arguments = new byte[count][];
        for (int i = 0; i < count; i++) {
            pos[0]++; // '$'
            int length = (int) readLine(frame, pos);
            arguments[i] = Arrays.copyOfRange(frame, pos[0], pos[0] + length);
            pos[0] += length + 2;
        }
        return arguments;
    }

    private static long readLine(byte[] frame, int[] pos) {
        int p = pos[0];
        long value = 0;
        while (frame[p] != '\r') {
            value = value * 10 + (frame[p++] - '0');
        }
        pos[0] = p + 2;
        return value;
    }

    private static void writeArray(ByteArrayOutputStream out, List<byte[]> arguments) {
        out.writeBytes(("*" + arguments.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] argument : arguments) {
            out.writeBytes(("$" + argument.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(argument);
            out.write('\r');
            out.write('\n');
        }
    }

    /**
     * Redis's {@code string2ll}, which every length line and every {@code INCR} goes through: an
     * optional {@code -}, then digits with no leading zero (just {@code 0} is fine), at most 20
     * characters, nothing else (not a space, not a {@code +}), no overflow.
     *
     * @return the value of bytes {@code from .. to}, or null when they are not such a number
     */
    public static Long parseLong(byte[] bytes, int from, int to) {
        int length = to - from;
        if (length <= 0 || length > 20) {
            return null;
        }
        if (length == 1 && bytes[from] == '0') {
            return 0L;
        }
        boolean negative = bytes[from] == '-';
        int p = negative ? from + 1 : from;
        if (p == to || bytes[p] < '1' || bytes[p] > '9') {
            return null;
        }
        long value = 0;
        for (; p < to; p++) {
            int digit = bytes[p] - '0';
            if (digit < 0 || digit > 9) {
                return null;
            }
            // Accumulate negatively: Long.MIN_VALUE has no positive counterpart.
            if (value < (Long.MIN_VALUE + digit) / 10) {
                return null;
            }
            value = value * 10 - digit;
        }
        if (!negative) {
            if (value == Long.MIN_VALUE) {
                return null;
            }
            value = -value;
        }
        return value;
    }

    /** The decoding state of one connection: what Redis keeps in its {@code client} struct. */
    private static final class Decoder implements FrameDecoder {
        private static final int NONE = -1;

        private final int maxBulk;
        private final long maxCommand;
        // Input not yet handed out: bytes [0, size) of buf. Commands handed out end at start; the
        // command in progress is parsed up to pos. Null between commands: an idle connection
        // holds no buffer.
        private byte[] buf;
        private int size;
        private int start;
        private int pos;
        // The multibulk command in progress: arguments still to read, the length of the next
        // bulk once its length line is read, and where the arguments read so far are in buf.
        private int argumentsLeft;
        private int bulkLength = NONE;
        private final List<int[]> argumentSpans = new ArrayList<>();
        private boolean closed;

        Decoder(int maxFrameLength) {
            this.maxBulk = maxFrameLength;
            this.maxCommand = 2L * maxFrameLength + INLINE_MAX;
        }

        // tag::decode[]
        @Override
        public void decode(ByteBuffer in, Consumer<ByteBuffer> frames) throws CloseConnectionException {
            if (closed) {
                in.position(in.limit()); // after QUIT or an error, nothing more is read
                return;
            }
            // 1. Keep the new bytes behind any unfinished command.
            append(in);
            // 2. Hand out every complete command; stop at the first incomplete one.
            try {
                byte[] frame;
                while ((frame = next()) != null) {
                    FrameDecoder.lend(ByteBuffer.wrap(frame).asReadOnlyBuffer(), frames); // NOTE: RESP builds each frame anew
                    if (isQuit(frame)) {
                        throw new CloseConnectionException("the client sent QUIT", null, false);
                    }
                }
            } catch (CloseConnectionException e) {
                closed = true;
                buf = null;
                throw e;
            }
            // 3. Keep only the unfinished command's bytes, and nothing at all between commands;
            //    an unfinished command past the bound ends the conversation.
            compact();
            if (size > maxCommand) {
                closed = true;
                long seen = size;
                buf = null;
                throw new FrameTooLongException(maxCommand, seen);
            }
        }
        // end::decode[]

        private void append(ByteBuffer in) {
            // The unfinished command is at most maxCommand bytes (checked after each read), so
            // this holds at most that plus one read.
            int n = in.remaining();
            if (buf == null) {
                buf = new byte[Math.max(n, 256)];
            } else if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(size + n, 2L * buf.length)));
            }
            in.get(buf, size, n);
            size += n;
        }

        private void compact() {
            if (start == size) {
                buf = null;
                size = 0;
                start = 0;
                pos = 0;
                return;
            }
            if (start > 0) {
                // Offsets into the command in progress move with its bytes.
                System.arraycopy(buf, start, buf, 0, size - start);
                for (int[] span : argumentSpans) {
                    span[0] -= start;
                }
                size -= start;
                pos -= start;
                start = 0;
            }
        }

        /** The next complete command as a frame, or null when more bytes are needed. */
        private byte[] next() throws CloseConnectionException {
            while (true) {
                if (argumentsLeft == 0) {
                    if (pos == size) {
                        return null;
                    }
                    if (buf[pos] != '*') {
                        // Inline command: one line, arguments split on spaces (with quotes).
                        int newline = indexOf((byte) '\n', pos);
                        if (newline < 0) {
                            if (size - pos > INLINE_MAX) {
                                throw protocolError("too big inline request");
                            }
                            return null;
                        }
                        int end = newline > pos && buf[newline - 1] == '\r' ? newline - 1 : newline;
                        List<byte[]> arguments = InlineSplitter.split(buf, pos, end);
                        if (arguments == null) {
                            throw protocolError("unbalanced quotes in request");
                        }
                        pos = newline + 1;
                        start = pos;
                        if (arguments.isEmpty()) {
                            continue; // an empty line is skipped
                        }
                        ByteArrayOutputStream frame = new ByteArrayOutputStream();
                        writeArray(frame, arguments);
                        return frame.toByteArray();
                    }
                    // Multibulk: "*<count>\r\n".
                    int cr = indexOf((byte) '\r', pos);
                    if (cr < 0) {
                        if (size - pos > INLINE_MAX) {
                            throw protocolError("too big mbulk count string");
                        }
                        return null;
                    }
                    if (cr + 1 >= size) {
                        return null; // the '\n' has not arrived
                    }
                    Long count = parseLong(buf, pos + 1, cr);
                    if (count == null || count > MAX_ARGUMENTS) {
                        throw protocolError("invalid multibulk length");
                    }
                    pos = cr + 2;
                    if (count <= 0) {
                        start = pos;
                        continue; // Redis skips "*0" and "*-1" without a reply
                    }
                    argumentsLeft = (int) (long) count;
                    argumentSpans.clear();
                }
                while (argumentsLeft > 0) {
                    // "$<length>\r\n" then the bytes and two more (a CRLF Redis does not check).
                    if (bulkLength == NONE) {
                        int cr = indexOf((byte) '\r', pos);
                        if (cr < 0) {
                            if (size - pos > INLINE_MAX) {
                                throw protocolError("too big bulk count string");
                            }
                            return null;
                        }
                        if (cr + 1 >= size) {
                            return null;
                        }
                        if (buf[pos] != '$') {
                            throw protocolError("expected '$', got '" + printable(buf[pos]) + "'");
                        }
                        Long length = parseLong(buf, pos + 1, cr);
                        if (length == null || length < 0 || length > maxBulk) {
                            throw protocolError("invalid bulk length");
                        }
                        pos = cr + 2;
                        bulkLength = (int) (long) length;
                    }
                    if (size - pos < bulkLength + 2L) {
                        return null;
                    }
                    argumentSpans.add(new int[]{pos, bulkLength});
                    pos += bulkLength + 2;
                    bulkLength = NONE;
                    argumentsLeft--;
                }
                List<byte[]> arguments = new ArrayList<>(argumentSpans.size());
                for (int[] span : argumentSpans) {
                    arguments.add(Arrays.copyOfRange(buf, span[0], span[0] + span[1]));
                }
                argumentSpans.clear();
                start = pos;
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                writeArray(frame, arguments);
                return frame.toByteArray();
            }
        }

        private int indexOf(byte b, int from) {
            for (int i = from; i < size; i++) {
                if (buf[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        private static boolean isQuit(byte[] frame) {
            // "*N\r\n$4\r\nQUIT\r\n...": the name is the first argument.
            int p = 1;
            while (frame[p] != '\r') {
                p++;
            }
            p += 2;
            if (frame.length < p + 10 || frame[p + 1] != '4' || frame[p + 2] != '\r') {
                return false;
            }
            String name = new String(frame, p + 4, 4, StandardCharsets.ISO_8859_1);
            return name.equalsIgnoreCase("QUIT");
        }

        @Override
        public int bufferedBytes() {
            return buf == null ? 0 : size - start;
        }
    }

    /** Redis replaces CR and LF in an error message with spaces, so the reply stays one line. */
    private static char printable(byte b) {
        return b == '\r' || b == '\n' ? ' ' : (char) (b & 0xFF);
    }

    private static CloseConnectionException protocolError(String what) {
        String message = "Protocol error: " + what;
        return new CloseConnectionException(message, ("-ERR " + message + "\r\n").getBytes(StandardCharsets.ISO_8859_1), true);
    }
}
