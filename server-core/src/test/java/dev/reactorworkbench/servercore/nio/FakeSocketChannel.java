package dev.reactorworkbench.servercore.nio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for a non-blocking socket: takes at most {@code perCall} bytes per write call and, once
 * {@code budget} bytes are taken, nothing more (a full socket buffer: write returns 0).
 */
final class FakeSocketChannel implements GatheringByteChannel {

    final ByteArrayOutputStream taken = new ByteArrayOutputStream();
    /** Buffers handed to each gathering write call. */
    final List<Integer> gatherSizes = new ArrayList<>();
    int perCall = Integer.MAX_VALUE;
    long budget = Long.MAX_VALUE;
    int singleWrites;

    FakeSocketChannel perCall(int k) {
        this.perCall = k;
        return this;
    }

    FakeSocketChannel budget(long bytes) {
        this.budget = bytes;
        return this;
    }

    @Override
    public int write(ByteBuffer src) {
        singleWrites++;
        return (int) take(new ByteBuffer[]{src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        gatherSizes.add(length);
        return take(srcs, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs) {
        return write(srcs, 0, srcs.length);
    }

    private long take(ByteBuffer[] srcs, int offset, int length) {
        long room = Math.min(perCall, budget);
        long n = 0;
        for (int i = offset; i < offset + length && n < room; i++) {
            ByteBuffer b = srcs[i];
            while (b.hasRemaining() && n < room) {
                taken.write(b.get());
                n++;
            }
        }
        budget -= n;
        return n;
    }

    byte[] bytes() {
        return taken.toByteArray();
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {
    }
}
