package dev.reactorworkbench.echoprotocol.resp;

/**
 * The keys and values of one server (Redis's database 0): string keys to byte-string values.
 * Keys are byte strings too; they are held as ISO-8859-1 {@code String}s, which map each byte to
 * one char and back, so any key round-trips exactly and hashes with {@code String}'s cached hash.
 *
 * <p>Two implementations, chosen by which threads call the handler
 * ({@link dev.reactorworkbench.echoprotocol.server.ServerModel#handlerThreads()}):
 * {@link PlainKeyspace}, a {@code HashMap} that only its owner thread may touch, and
 * {@link ConcurrentKeyspace}, a {@code ConcurrentHashMap} with an atomic {@link #incr}.
 */
public interface Keyspace {

    /** The value, or null when the key is absent. */
    byte[] get(String key);

    void set(String key, byte[] value);

    /** @return true if the key existed */
    boolean delete(String key);

    boolean exists(String key);

    /**
     * Adds one to the integer stored at the key (absent counts as 0) and returns the new value,
     * atomically: no increment is lost however many threads call it.
     *
     * @throws NotAnIntegerException when the value is not a 64-bit decimal integer
     * @throws ArithmeticException   when the increment would overflow
     */
    long incr(String key) throws NotAnIntegerException;

    /** The number of keys. */
    int size();

    /** Removes every key. */
    void clear();

    /** The stored value is not an integer Redis would accept ({@code string2ll}). */
    final class NotAnIntegerException extends Exception {
        NotAnIntegerException() {
            super("value is not an integer or out of range", null, false, false);
        }
    }
}
