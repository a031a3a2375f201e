package dev.reactorworkbench.comparisonbench.reference;

import io.netty.util.concurrent.FastThreadLocalThread;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names the threads of one event loop group ({@code netty-boss}, {@code netty-worker-0}, ...) and
 * remembers them, so that {@code close()} can join them: Netty's termination future completes
 * just before a loop thread returns, and "no thread outlives close()" needs the join.
 */
final class NettyThreads implements ThreadFactory {

    private final String prefix;
    private final boolean numbered;
    private final AtomicInteger next = new AtomicInteger();        // any thread that starts a loop
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    /** {@code numbered}: {@code prefix-N}; otherwise just {@code prefix} (for a one-thread group). */
    NettyThreads(String prefix, boolean numbered) {
        this.prefix = prefix;
        this.numbered = numbered;
    }

    @Override
    public Thread newThread(Runnable task) {
        String name = numbered ? prefix + "-" + next.getAndIncrement() : prefix;
        // FastThreadLocalThread: Netty's thread locals take their fast path on it, as in Netty's
        // own DefaultThreadFactory.
        Thread thread = new FastThreadLocalThread(task, name);
        thread.setDaemon(false);
        started.add(thread);
        return thread;
    }

    /**
     * Waits until every thread this factory made has ended.
     *
     * @return false if one was still alive at the deadline
     */
    boolean join(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : started) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                thread.join(Duration.ofNanos(left));
            }
        }
        return started.stream().noneMatch(Thread::isAlive);
    }
}
