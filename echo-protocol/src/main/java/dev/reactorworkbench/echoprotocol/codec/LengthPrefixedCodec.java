package dev.reactorworkbench.echoprotocol.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * The default protocol: a frame is a {@code uint32} big-endian length {@code N} followed by
 * {@code N} payload bytes, {@code 0 <= N <= maxFrameLength}. The reply has the same form.
 */
public final class LengthPrefixedCodec implements Codec {

    public static final LengthPrefixedCodec INSTANCE = new LengthPrefixedCodec();
    /** Bytes in the length prefix. */
    public static final int HEADER = 4;

    private LengthPrefixedCodec() {
    }

    @Override
    public String name() {
        return "length-prefixed";
    }

    @Override
    public FrameDecoder newDecoder(int maxFrameLength) {
        return new Decoder(maxFrameLength);
    }

    @Override
    public ByteBuffer encode(byte[] reply) {
        ByteBuffer out = ByteBuffer.allocate(HEADER + reply.length);
        out.putInt(reply.length).put(reply).flip();
        return out;
    }

    @Override
    public int headerLength() {
        return HEADER;
    }

    @Override
    public void putHeader(ByteBuffer buffer, int index, int payloadLength) {
        buffer.putInt(index, payloadLength); // ByteBuffer's absolute putInt is big-endian unless told otherwise
    }

    /** Writes one frame's bytes (header and payload) for a client. */
    public static byte[] frame(byte[] payload) {
        return INSTANCE.encode(payload).array();
    }

    private static final class Decoder implements FrameDecoder {
        private final int maxFrameLength;
        // State of the frame in progress; all zero/null between frames.
        private int headerBytes;      // how many of the 4 prefix bytes have arrived
        private long length;          // the prefix, once complete (uint32, so long)
        private GrowableBytes payload; // allocated only while a payload is incomplete

        Decoder(int maxFrameLength) {
            this.maxFrameLength = maxFrameLength;
        }

        // tag::decode[]
        @Override
        public void decode(ByteBuffer in, Consumer<ByteBuffer> frames) throws FrameTooLongException {
            while (in.hasRemaining()) {
                // 1. Complete the length prefix, which may itself arrive a byte at a time.
                if (headerBytes < HEADER) {
                    if (headerBytes == 0 && in.remaining() >= HEADER) {
                        // The prefix is big-endian whatever order the caller set on its buffer.
                        int prefix = in.getInt();
                        length = Integer.toUnsignedLong(in.order() == ByteOrder.BIG_ENDIAN ? prefix : Integer.reverseBytes(prefix));
                        headerBytes = HEADER;
                    } else {
                        length = (length << 8) | (in.get() & 0xFF);
                        headerBytes++;
                        if (headerBytes < HEADER) {
                            continue;
                        }
                    }
                    if (length > maxFrameLength) {
                        throw new FrameTooLongException(maxFrameLength, length);
                    }
                }
                int size = (int) length;
                // 2. Fast path: the whole payload is already here: lend a view of it, copy nothing.
                if (payload == null && in.remaining() >= size) {
                    ByteBuffer frame = FrameDecoder.view(in, in.position(), size);
                    in.position(in.position() + size);
                    emit(frame, frames);
                    continue;
                }
                // 3. Slow path: keep what arrived in storage of this connection's own.
                if (payload == null) {
                    payload = new GrowableBytes(size, in.remaining());
                }
                int take = Math.min(in.remaining(), size - payload.size());
                payload.append(in, take, size);
                if (payload.size() == size) {
                    ByteBuffer frame = payload.view();
                    payload = null;
                    emit(frame, frames);
                }
            }
        }
        // end::decode[]

        private void emit(ByteBuffer frame, Consumer<ByteBuffer> frames) {
            headerBytes = 0;
            length = 0;
            FrameDecoder.lend(frame, frames);
        }

        @Override
        public int bufferedBytes() {
            return headerBytes < HEADER ? headerBytes : HEADER + (payload == null ? 0 : payload.size());
        }
    }
}
