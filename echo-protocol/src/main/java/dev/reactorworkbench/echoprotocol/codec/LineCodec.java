package dev.reactorworkbench.echoprotocol.codec;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Lines: a frame is the bytes up to {@code \n} (a trailing {@code \r} stays in the payload), the
 * reply is the payload followed by {@code \n}. Works with {@code nc} and {@code telnet}. A line
 * longer than {@code maxFrameLength} (without its {@code \n}) is a protocol error.
 */
public final class LineCodec implements Codec {

    public static final LineCodec INSTANCE = new LineCodec();

    private LineCodec() {
    }

    @Override
    public String name() {
        return "line";
    }

    @Override
    public FrameDecoder newDecoder(int maxFrameLength) {
        return new Decoder(maxFrameLength);
    }

    @Override
    public ByteBuffer encode(byte[] reply) {
        ByteBuffer out = ByteBuffer.allocate(reply.length + 1);
        out.put(reply).put((byte) '\n').flip();
        return out;
    }

    @Override
    public byte[] trailer() {
        return NEWLINE;
    }

    private static final byte[] NEWLINE = {'\n'};

    private static final class Decoder implements FrameDecoder {
        private final int maxFrameLength;
        private GrowableBytes partial; // the line so far; null between lines

        Decoder(int maxFrameLength) {
            this.maxFrameLength = maxFrameLength;
        }

        @Override
        public void decode(ByteBuffer in, Consumer<ByteBuffer> frames) throws FrameTooLongException {
            while (in.hasRemaining()) {
                int start = in.position();
                int newline = indexOf(in, (byte) '\n');
                int held = partial == null ? 0 : partial.size();
                int chunk = (newline < 0 ? in.limit() : newline) - start;
                if ((long) held + chunk > maxFrameLength) {
                    throw new FrameTooLongException(maxFrameLength, (long) held + chunk);
                }
                if (newline < 0) {
                    // No end of line yet: keep the bytes until it arrives.
                    if (partial == null) {
                        partial = new GrowableBytes(maxFrameLength, chunk);
                    }
                    partial.append(in, chunk, maxFrameLength);
                    return;
                }
                ByteBuffer line;
                if (partial == null) {
                    line = FrameDecoder.view(in, start, chunk); // the whole line is here: a view, no copy
                    in.position(start + chunk);
                } else {
                    partial.append(in, chunk, maxFrameLength);
                    line = partial.view();
                    partial = null;
                }
                in.get(); // the '\n'
                FrameDecoder.lend(line, frames);
            }
        }

        private static int indexOf(ByteBuffer in, byte b) {
            for (int i = in.position(), end = in.limit(); i < end; i++) {
                if (in.get(i) == b) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public int bufferedBytes() {
            return partial == null ? 0 : partial.size();
        }
    }
}
