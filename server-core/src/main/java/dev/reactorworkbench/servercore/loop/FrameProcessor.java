package dev.reactorworkbench.servercore.loop;

import java.nio.ByteBuffer;

/**
 * What a model does with one connection's decoded frames: the one step the loop-based models
 * change. Created per connection by the model (see {@link Connection}), so whatever a model keeps
 * per connection (a worker pool's serial queue, Redis's parsed-but-not-run commands) lives here,
 * in what the model owns, and not in the base connection.
 */
public interface FrameProcessor {

    /**
     * Loop thread, in the order the connection's frames arrived. The frame is a read-only view,
     * often of the loop's shared read buffer, valid during this call only: run the handler on it
     * here ({@link Connection#handle}), or copy it ({@code Handler.copyOf}) to hand it to another
     * thread.
     */
    void process(ByteBuffer frame);

    /**
     * Loop thread, when the socket is readable: return true to read it later instead of now
     * (Redis 6's {@code postponeClientRead}: the read goes to the I/O threads in
     * {@code beforeSleep}). The default reads now.
     */
    default boolean postponeRead() {
        return false;
    }
}
