package dev.reactorworkbench.echoprotocol.server;

import java.nio.ByteBuffer;

/**
 * Where a {@link Handler} writes its reply. On the loop-based models the bytes go straight into
 * the connection's outbound buffer (a pooled buffer the socket is written from), so an echo costs
 * one copy: from the read buffer into that buffer. The codec frames what the handler writes (a
 * length prefix, a trailing newline), so a handler writes only its payload, in as many pieces as
 * it likes.
 *
 * <p>Valid only during the {@link Handler#handle} call it was passed to, on that call's thread:
 * writing to it afterwards throws {@link IllegalStateException}.
 */
public interface Reply {

    /** Appends the bytes from {@code src}'s position to its limit, and moves its position to its limit. */
    void write(ByteBuffer src);

    /** Appends every byte of {@code bytes}. */
    void write(byte[] bytes);
}
