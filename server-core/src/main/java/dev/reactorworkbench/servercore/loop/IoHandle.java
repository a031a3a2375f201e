package dev.reactorworkbench.servercore.loop;

// tag::io-handle[]
/**
 * What an {@link EventLoop} dispatches a ready key to: the key's attachment. The loop knows nothing
 * else about it (Lea's reactor runs {@code ((Runnable) key.attachment()).run()}, Netty 4.2's
 * {@code IoEventLoop} calls {@code IoHandle#handle}): an acceptor, a connection or anything a
 * model adds is just an {@code IoHandle}, never an {@code instanceof} in the loop.
 *
 * <p>Every method runs on the loop's own thread.
 */
public interface IoHandle {

    /** The key is ready for {@code readyOps} ({@link java.nio.channels.SelectionKey#readyOps()}). */
    void onReady(int readyOps);

    /**
     * The loop shuts down gracefully: stop taking new work, finish what is owed, then
     * {@link EventLoop#deregister deregister}. The default closes at once.
     */
    default void drain() {
        close();
    }

    /** Closes at once (the drain timed out, or the loop ends). Idempotent. */
    void close();
}
// end::io-handle[]
