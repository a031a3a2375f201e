package dev.reactorworkbench.echoprotocol.codec;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Per-connection decoding state. Feed it bytes as they arrive, split or coalesced any way TCP
 * likes; it hands out each complete frame in order.
 *
 * <p>The caller usually reads into a buffer shared by many connections, so the decoder consumes
 * every remaining byte of {@code in} and copies the bytes of an unfinished frame into storage of
 * its own. It holds that storage only while a frame is incomplete: a connection between frames
 * holds no buffer at all. Not thread-safe: one connection, one thread at a time.
 */
public interface FrameDecoder {

    /**
     * Consumes all remaining bytes of {@code in}, passing each complete frame to {@code frames}.
     *
     * @throws CloseConnectionException when the input ends the conversation, e.g. a
     *         {@link FrameTooLongException} when a frame exceeds the limit; the decoder is then
     *         unusable and the connection closes as {@link CloseConnectionException} says
     */
    void decode(ByteBuffer in, Consumer<byte[]> frames) throws CloseConnectionException;

    /** Bytes held for the frame in progress; 0 between frames. */
    int bufferedBytes();
}
