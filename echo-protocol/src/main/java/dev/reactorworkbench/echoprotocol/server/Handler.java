package dev.reactorworkbench.echoprotocol.server;

import java.nio.ByteBuffer;
import java.util.function.UnaryOperator;

/**
 * The business logic: read the request, write the reply. Models differ in which thread calls it;
 * a handler shared by a worker pool must be thread-safe (the echo handler keeps no state).
 *
 * <pre>{@code
 * Handler echo = (frame, reply) -> reply.write(frame);   // the one copy: into the outbound buffer
 * }</pre>
 *
 * <p>The frame is <em>lent</em>, not given: a read-only view of the bytes the server already read
 * (often a slice of the read buffer every connection of the thread shares), valid during this
 * call only. The server empties it when the call returns, so a handler that keeps it finds it
 * empty later, and cannot write to it ever. A handler that needs the bytes later (or on another
 * thread) copies them: {@link #copyOf}.
 *
 * <p>NOTE: a {@code ByteBuffer} cannot be revoked: a handler that kept the view and deliberately
 * widens it again ({@code clear()}, {@code limit(n)}) reads whatever the shared buffer holds by
 * then, up to the frame's length. Read-only, it can never write there. Closing that gap for good
 * needs a revocable view (a {@code MemorySegment} of a closed arena, final only after Java 21).
 */
@FunctionalInterface
public interface Handler {

    // tag::handle[]
    /**
     * Handles one request.
     *
     * @param frame the request's bytes, from its position to its limit; read-only, valid during this call
     * @param reply where the reply's payload goes (the codec frames it); valid during this call
     */
    void handle(ByteBuffer frame, Reply reply);
    // end::handle[]

    /**
     * {@code reply = handle(frame)} on arrays, for callers that hold an array and want one back (a
     * worker that runs the handler away from the connection, a test). Costs a copy and an array.
     */
    default byte[] handle(byte[] frame) {
        ReplyBuffer reply = new ReplyBuffer(frame.length);
        handle(ByteBuffer.wrap(frame).asReadOnlyBuffer(), reply);
        return reply.toByteArray();
    }

    /**
     * A handler written as {@code reply = f(frame)} on arrays, for handlers that want it: each call
     * copies the frame into a new array and the returned array into the reply.
     */
    static Handler ofBytes(UnaryOperator<byte[]> f) {
        return (frame, reply) -> reply.write(f.apply(copyOf(frame)));
    }

    /** The frame's bytes (position to limit) in an array of their own; the frame's position is unchanged. */
    static byte[] copyOf(ByteBuffer frame) {
        byte[] bytes = new byte[frame.remaining()];
        frame.get(frame.position(), bytes);
        return bytes;
    }
}
