package dev.reactorworkbench.echoprotocol.resp;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The keyspace of a server whose handler runs on several threads (a worker pool, several
 * reactors, a thread per connection, a proactor's pool): a {@link ConcurrentHashMap}, and an
 * {@link #incr} that reads, adds and writes back inside {@link ConcurrentHashMap#compute}, which
 * holds the key's bin locked, so two threads incrementing one key never lose an update. This is
 * the cost of running handlers on several threads that Redis avoids by executing every command on
 * its main thread.
 */
public final class ConcurrentKeyspace implements Keyspace {

    private final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>(); // any thread

    @Override
    public byte[] get(String key) {
        return map.get(key);
    }

    @Override
    public void set(String key, byte[] value) {
        map.put(key, value);
    }

    @Override
    public boolean delete(String key) {
        return map.remove(key) != null;
    }

    @Override
    public boolean exists(String key) {
        return map.containsKey(key);
    }

    // tag::incr[]
    @Override
    public long incr(String key) throws NotAnIntegerException {
        long[] result = new long[1];
        try {
            // The read-add-write runs under the bin's lock: atomic against every other compute.
            map.compute(key, (k, old) -> {
                try {
                    result[0] = Math.addExact(Integers.parse(old), 1);
                } catch (NotAnIntegerException e) {
                    throw new NotAnInteger(e); // leaves the value as it was
                }
                return Integers.format(result[0]);
            });
        } catch (NotAnInteger e) {
            throw e.cause;
        }
        return result[0];
    }
    // end::incr[]

    /** Carries the checked exception out of the remapping function. */
    private static final class NotAnInteger extends RuntimeException {
        final NotAnIntegerException cause;

        NotAnInteger(NotAnIntegerException cause) {
            super(null, null, false, false);
            this.cause = cause;
        }
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public void clear() {
        map.clear();
    }
}
