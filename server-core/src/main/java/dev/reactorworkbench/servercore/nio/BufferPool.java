package dev.reactorworkbench.servercore.nio;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one size ({@value #CHUNK} bytes) that the connections of one event loop take
 * to hold their replies and give back once the socket has taken them, so a connection that has
 * written everything it owed holds no buffer, and a busy loop allocates none. Direct, because
 * the socket is written from them as they are; a heap buffer would be copied once more by the JDK
 * into a temporary direct buffer of its own on each write. Netty's pooled allocator keeps
 * per-thread caches for the same reasons; this is the one-size version of it.
 *
 * <p>Threads: the loop thread takes and gives; Redis 6's I/O threads give back too, during a write
 * phase, while the loop thread waits. So each call takes this pool's monitor (uncontended, it
 * costs a compare-and-set; a few per reply against a system call per write).
 *
 * <p>NOTE: the pool keeps at most {@link #maxFree()} free buffers; a burst that needs more
 * allocates more, and the ones given back beyond the bound are left to the garbage collector
 * (their memory goes back with their {@code Cleaner}).
 */
public final class BufferPool {

    /** Bytes per buffer: a 4 KiB reply and its header fit, and a 1 MiB reply is 65 of them in one gathering write. */
    public static final int CHUNK = 16 * 1024;
    /**
     * Free buffers kept by default: up to 16 MiB per loop, as many as 1,000 connections each owing
     * a 4 KiB reply at the end of one turn hold at once.
     */
    public static final int DEFAULT_MAX_FREE = 1024;

    private final int maxFree;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>(); // guarded by this
    private long allocated;                                        // guarded by this

    public BufferPool() {
        this(DEFAULT_MAX_FREE);
    }

    public BufferPool(int maxFree) {
        this.maxFree = maxFree;
    }

    /** An empty buffer (position and limit 0) of {@value #CHUNK} bytes, to be given back once written. */
    public ByteBuffer take() {
        ByteBuffer b;
        synchronized (this) {
            b = free.pollLast(); // the most recently used: likeliest still in the CPU's cache
            if (b == null) {
                allocated++;
            }
        }
        if (b == null) {
            b = ByteBuffer.allocateDirect(CHUNK);
        }
        return b.limit(0);
    }

    /** Takes a buffer back; its content is dropped. */
    public void give(ByteBuffer b) {
        b.clear();
        synchronized (this) {
            if (free.size() < maxFree) {
                free.addLast(b);
            }
        }
    }

    /** Buffers allocated so far: stays flat once the pool has warmed up. */
    public synchronized long allocated() {
        return allocated;
    }

    /** Buffers ready to be taken. */
    public synchronized int free() {
        return free.size();
    }

    public int maxFree() {
        return maxFree;
    }
}
