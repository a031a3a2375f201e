package dev.reactorworkbench.echoprotocol.codec;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * RFC 862 Echo: no framing, every byte received is sent back. Each read becomes one "frame", so
 * the handler sees the stream in whatever pieces TCP delivered; the reply is its bytes as they are.
 */
public final class RawCodec implements Codec {

    public static final RawCodec INSTANCE = new RawCodec();

    private RawCodec() {
    }

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public FrameDecoder newDecoder(int maxFrameLength) {
        return new FrameDecoder() {
            @Override
            public void decode(ByteBuffer in, Consumer<ByteBuffer> frames) {
                // A read larger than the frame limit is passed on in pieces of at most the limit.
                while (in.hasRemaining()) {
                    int n = Math.min(in.remaining(), Math.max(1, maxFrameLength));
                    ByteBuffer chunk = FrameDecoder.view(in, in.position(), n);
                    in.position(in.position() + n);
                    FrameDecoder.lend(chunk, frames);
                }
            }

            @Override
            public int bufferedBytes() {
                return 0;
            }
        };
    }

    @Override
    public ByteBuffer encode(byte[] reply) {
        return ByteBuffer.wrap(reply);
    }

}
