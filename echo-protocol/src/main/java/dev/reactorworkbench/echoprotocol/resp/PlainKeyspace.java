package dev.reactorworkbench.echoprotocol.resp;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keyspace of a server whose handler runs on one thread only (the single reactor, the Redis 6
 * main loop): a plain {@link HashMap}, no lock, no atomic, no volatile. That is the whole point of
 * Redis's single-threaded execution: with one thread, shared state is just state.
 *
 * <p>The claim is checked, not trusted: the first thread that touches the map becomes its owner,
 * and every call from any other thread is counted in {@link #foreignCalls()} (the map itself is
 * then already unsafe; the count is how a test proves no such call happens).
 */
public final class PlainKeyspace implements Keyspace {

    private final Map<String, byte[]> map = new HashMap<>(); // owner thread only
    private volatile Thread owner;                            // set once, by the first caller
    private final AtomicLong foreignCalls = new AtomicLong(); // any thread: it counts the others

    // tag::confined[]
    /** Records the owner on the first call; counts every call from another thread. */
    private void checkOwner() {
        Thread current = Thread.currentThread();
        Thread o = owner;
        if (o == current) {
            return;
        }
        if (o == null) {
            synchronized (this) {
                if (owner == null) {
                    owner = current;
                    return;
                }
            }
            if (owner == current) {
                return;
            }
        }
        foreignCalls.incrementAndGet();
    }
    // end::confined[]

    /** The thread that owns the map (the first that used it), or null before any call. */
    public Thread owner() {
        return owner;
    }

    /** Calls made by a thread other than the owner: 0 when the model keeps its promise. */
    public long foreignCalls() {
        return foreignCalls.get();
    }

    @Override
    public byte[] get(String key) {
        checkOwner();
        return map.get(key);
    }

    @Override
    public void set(String key, byte[] value) {
        checkOwner();
        map.put(key, value);
    }

    @Override
    public boolean delete(String key) {
        checkOwner();
        return map.remove(key) != null;
    }

    @Override
    public boolean exists(String key) {
        checkOwner();
        return map.containsKey(key);
    }

    @Override
    public long incr(String key) throws NotAnIntegerException {
        checkOwner();
        // Read, add, write back: three steps, safe only because no other thread runs between them.
        long next = Math.addExact(Integers.parse(map.get(key)), 1);
        map.put(key, Integers.format(next));
        return next;
    }

    @Override
    public int size() {
        checkOwner();
        return map.size();
    }

    @Override
    public void clear() {
        checkOwner();
        map.clear();
    }
}
