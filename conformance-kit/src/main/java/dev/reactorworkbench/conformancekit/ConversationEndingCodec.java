package dev.reactorworkbench.conformancekit;

import dev.reactorworkbench.echoprotocol.codec.CloseConnectionException;
import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.FrameDecoder;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * A test codec for {@link CloseConnectionException}'s contract: length-prefixed, except that the
 * third frame ends the conversation. The decoder passes two good frames on, then throws with
 * {@code farewell} (already encoded for the wire; null for none), as the RESP codec does on a
 * protocol error ({@code -ERR Protocol error: ...}) or after {@code QUIT} (no farewell, not an error).
 */
public record ConversationEndingCodec(byte[] farewell, boolean protocolError) implements Codec {

    public static final String NAME = "conversation-ending";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FrameDecoder newDecoder(int maxFrameLength) {
        FrameDecoder frames = LengthPrefixedCodec.INSTANCE.newDecoder(maxFrameLength);
        return new FrameDecoder() {
            private int passed; // the connection's reading thread only

            @Override
            public void decode(ByteBuffer in, Consumer<ByteBuffer> out) throws CloseConnectionException {
                boolean[] ended = {false};
                frames.decode(in, frame -> {
                    if (passed < 2) {
                        passed++;
                        out.accept(frame);
                    } else {
                        ended[0] = true; // this frame and everything after it is never answered
                    }
                });
                if (ended[0]) {
                    throw new CloseConnectionException("the third frame ends the conversation", farewell, protocolError);
                }
            }

            @Override
            public int bufferedBytes() {
                return frames.bufferedBytes();
            }
        };
    }

    @Override
    public ByteBuffer encode(byte[] reply) {
        return LengthPrefixedCodec.INSTANCE.encode(reply);
    }

    @Override
    public int headerLength() {
        return LengthPrefixedCodec.INSTANCE.headerLength();
    }

    @Override
    public void putHeader(ByteBuffer buffer, int index, int payloadLength) {
        LengthPrefixedCodec.INSTANCE.putHeader(buffer, index, payloadLength);
    }

    @Override
    public byte[] trailer() {
        return LengthPrefixedCodec.INSTANCE.trailer();
    }
}
