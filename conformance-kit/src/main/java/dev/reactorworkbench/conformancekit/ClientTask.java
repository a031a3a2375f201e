package dev.reactorworkbench.conformancekit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client work on a thread of its own (a virtual thread named {@code kit-client-N}), for the parts
 * of a scenario that must run while the test thread does something else: a writer that keeps
 * writing while the test reads, a {@code close()} that blocks while the test drains replies.
 * A failure in the task is rethrown by {@link #join}.
 */
public final class ClientTask {

    private static final AtomicInteger NEXT = new AtomicInteger();

    /** Work that may throw, as client code does. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private final Thread thread;
    private volatile Throwable failure; // written by the task's thread before it ends, read after join

    private ClientTask(Body body) {
        this.thread = Thread.ofVirtual().name("kit-client-" + NEXT.getAndIncrement()).unstarted(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    /** Starts {@code body} on a new {@code kit-client-N} thread. */
    public static ClientTask start(Body body) {
        ClientTask task = new ClientTask(body);
        task.thread.start();
        return task;
    }

    /** The name every kit thread has; {@link LiveThreads} ignores threads named {@code kit-*}. */
    public String threadName() {
        return thread.getName();
    }

    public boolean isDone() {
        return !thread.isAlive();
    }

    /** True when the task has ended by throwing. */
    public boolean failed() {
        return isDone() && failure != null;
    }

    /**
     * Waits for the task, at most {@code timeout}, and rethrows what it threw.
     *
     * @throws AssertionError when it has not ended in time, or wrapping what it threw
     */
    public void join(Duration timeout) throws InterruptedException {
        if (!thread.join(timeout)) {
            throw new AssertionError(thread.getName() + " did not finish within " + timeout.toMillis() + " ms");
        }
        Throwable t = failure;
        if (t instanceof AssertionError e) {
            throw e;
        }
        if (t != null) {
            throw new AssertionError(thread.getName() + " failed: " + t, t);
        }
    }

    /**
     * Waits for the task, at most {@code timeout}, for a task that may well end by failing (a
     * writer whose connection the server resets).
     *
     * @return what the task threw, or null if it returned normally
     * @throws AssertionError when it has not ended in time
     */
    public Throwable awaitEnd(Duration timeout) throws InterruptedException {
        if (!thread.join(timeout)) {
            throw new AssertionError(thread.getName() + " did not finish within " + timeout.toMillis() + " ms");
        }
        return failure;
    }

    /** Waits for every task within one overall deadline; reports how many failed, and the first ten. */
    public static void joinAll(java.util.Collection<ClientTask> tasks, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.List<AssertionError> failures = new java.util.ArrayList<>();
        for (ClientTask task : tasks) {
            long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            try {
                task.join(Duration.ofMillis(left));
            } catch (AssertionError e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            AssertionError all = new AssertionError(failures.size() + " of " + tasks.size()
                    + " client tasks failed; the first: " + failures.getFirst().getMessage());
            failures.stream().limit(10).forEach(all::addSuppressed);
            throw all;
        }
    }
}
