package dev.reactorworkbench.echoprotocol.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of one unfinished frame. Starts small and doubles up to the frame's size, so a peer
 * that announces a large frame and then stalls does not make the server allocate it up front.
 */
final class GrowableBytes {

    private static final int INITIAL = 256;

    private byte[] bytes;
    private int size;

    GrowableBytes(int expected, int arriving) {
        this.bytes = new byte[Math.max(Math.min(expected, INITIAL), Math.min(expected, arriving))];
    }

    int size() {
        return size;
    }

    /** Appends {@code length} bytes from {@code in}, growing towards {@code cap}. */
    void append(ByteBuffer in, int length, int cap) {
        int needed = size + length;
        if (needed > bytes.length) {
            int grown = (int) Math.min(cap, Math.max(needed, 2L * bytes.length));
            bytes = Arrays.copyOf(bytes, grown);
        }
        in.get(bytes, size, length);
        size = needed;
    }

    /** The frame as a read-only view of this storage, trimmed to its size: no copy. */
    ByteBuffer view() {
        return ByteBuffer.wrap(bytes, 0, size).slice().asReadOnlyBuffer();
    }
}
