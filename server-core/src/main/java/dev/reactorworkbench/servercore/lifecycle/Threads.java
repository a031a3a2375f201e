package dev.reactorworkbench.servercore.lifecycle;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * The thread rules of every model, stated once.
 * <ul>
 *   <li>Every thread a server starts is named after its role ({@code reactor}, {@code worker-3})
 *       and is a daemon: what ends it is the server's {@code close()}, never the JVM waiting for
 *       it. (Virtual threads are always daemons, so this is the one rule every model can follow;
 *       the launcher keeps the JVM alive until Ctrl-C.)</li>
 *   <li>{@code close()} joins every thread it started, for a bounded time, and names each one
 *       that did not end instead of hanging.</li>
 * </ul>
 */
public final class Threads {

    /** How long a join waits beyond the drain timeout: a thread that has drained ends at once. */
    public static final Duration JOIN_GRACE = Duration.ofSeconds(10);

    private Threads() {
    }

    /** An unstarted daemon platform thread named {@code name} (the one daemon rule). */
    public static Thread newThread(String name, Runnable body) {
        return Thread.ofPlatform().name(name).daemon(true).unstarted(body);
    }

    /**
     * Waits until every thread of {@code threads} has ended, at most {@code timeout} for all of
     * them together, through any interrupt (the flag is set again before returning).
     *
     * @throws IllegalStateException naming every thread still alive at the deadline
     */
    public static void join(Collection<Thread> threads, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            for (Thread thread : threads) {
                while (thread.isAlive()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        thread.join(Duration.ofNanos(left));
                    } catch (InterruptedException e) {
                        interrupted = true; // keep waiting; the flag is restored below
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        List<String> alive = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (!alive.isEmpty()) {
            throw new IllegalStateException("thread(s) " + alive + " did not end within " + timeout.toMillis() + " ms");
        }
    }

    /**
     * Waits until {@code thread} has ended, even if the caller is interrupted meanwhile: no thread a
     * server started may outlive its {@code close()}. An interrupt is not lost: the flag is set
     * again before returning.
     */
    public static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // keep waiting; the flag is restored below
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
