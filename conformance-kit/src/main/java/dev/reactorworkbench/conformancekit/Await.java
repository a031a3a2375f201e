package dev.reactorworkbench.conformancekit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Bounded polling: the kit never sleeps to "give the server time", it polls the condition it
 * needs until a deadline, and fails with a message that says what it was waiting for.
 */
public final class Await {

    /** Pause between two polls: short enough to be prompt, long enough not to burn a core. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(5);

    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds; fails with {@code description} if it still does
     * not hold after {@code timeout}.
     */
    public static void awaitCondition(String description, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + description);
            }
            pause();
        }
    }

    /**
     * Returns as soon as {@code actual} reads {@code expected}; fails naming the value last seen.
     * For counters the server updates after the fact (stats are updated by server threads).
     */
    public static void awaitValue(String description, Duration timeout, LongSupplier actual, long expected) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen;
        while ((seen = actual.getAsLong()) != expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + description
                        + " to be " + expected + "; last seen " + seen);
            }
            pause();
        }
    }

    /**
     * Returns once {@code progress} has not moved for {@code quiet} (a writer blocked on a full
     * socket, a server that stopped reading), or {@code done} holds, or {@code max} has passed,
     * whichever comes first; the caller then checks which it was.
     *
     * @return true when progress stalled, false when {@code done} held or the time ran out
     */
    public static boolean awaitStall(LongSupplier progress, BooleanSupplier done, Duration quiet, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long last = progress.getAsLong();
        long lastChange = System.nanoTime();
        while (!done.getAsBoolean() && System.nanoTime() - deadline < 0) {
            pause();
            long now = progress.getAsLong();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange >= quiet.toNanos()) {
                return true;
            }
        }
        return false;
    }

    private static void pause() {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_INTERVAL.toMillis()));
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting");
        }
    }
}
