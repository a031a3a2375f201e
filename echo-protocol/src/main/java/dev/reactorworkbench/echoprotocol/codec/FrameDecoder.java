package dev.reactorworkbench.echoprotocol.codec;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Per-connection decoding state. Feed it bytes as they arrive, split or coalesced any way TCP
 * likes; it hands out each complete frame in order.
 *
 * <p>Frames are lent, not copied: a frame that arrived whole in {@code in} is handed out as a
 * read-only view of those bytes (a slice, no copy), valid only while {@code frames} runs; the
 * decoder empties the view (limit 0) as soon as it returns. The caller usually reads into a buffer
 * shared by many connections, so the decoder consumes every remaining byte of {@code in} and
 * copies only the bytes of an unfinished frame into storage of its own. It holds that storage
 * only while a frame is incomplete: a connection between frames holds no buffer at all. Not
 * thread-safe: one connection, one thread at a time.
 */
public interface FrameDecoder {

    /**
     * Consumes all remaining bytes of {@code in}, passing each complete frame to {@code frames}
     * as a read-only view valid during that call only.
     *
     * @throws CloseConnectionException when the input ends the conversation, e.g. a
     *         {@link FrameTooLongException} when a frame exceeds the limit; the decoder is then
     *         unusable and the connection closes as {@link CloseConnectionException} says
     */
    void decode(ByteBuffer in, Consumer<ByteBuffer> frames) throws CloseConnectionException;

    /**
     * {@link #decode} for a caller that keeps the frames: each is copied into an array of its own
     * (a client, a test, a model that hands frames to another thread after the read).
     */
    default void decodeCopies(ByteBuffer in, Consumer<byte[]> frames) throws CloseConnectionException {
        decode(in, frame -> {
            byte[] copy = new byte[frame.remaining()];
            frame.get(copy);
            frames.accept(copy);
        });
    }

    /** Bytes held for the frame in progress; 0 between frames. */
    int bufferedBytes();

    /**
     * Lends {@code frame} to {@code frames}, then empties it: what every decoder does with a frame.
     * A handler that kept the view finds nothing in it later, and it is read-only, so nothing can
     * be written through it either.
     */
    static void lend(ByteBuffer frame, Consumer<ByteBuffer> frames) {
        try {
            frames.accept(frame);
        } finally {
            frame.limit(0);
        }
    }

    /** A read-only view of {@code length} bytes of {@code in} from {@code index}: one object, no copy. */
    static ByteBuffer view(ByteBuffer in, int index, int length) {
        ByteBuffer slice = in.slice(index, length);
        return slice.isReadOnly() ? slice : slice.asReadOnlyBuffer();
    }
}
