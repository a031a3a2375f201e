package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.servercore.trace.Trace;
import dev.reactorworkbench.servercore.lifecycle.Threads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The worker threads of Doug Lea's "Worker Thread Pools" slide: {@code worker-0 .. worker-N-1},
 * taking work from one shared run queue. What they run is a connection's
 * {@link WorkerHandOff.SerialQueue}, never a bare frame, and a connection is in the run queue at
 * most once; so the run queue holds at most one entry per connection, and the bound on frames
 * waiting for a worker lives in {@link WorkerHandOff}.
 *
 * <p>Workers never touch a channel, a selection key or a connection's state: what they produce
 * goes back to the reactor as a task (see {@link WorkerHandOff}).
 */
final class WorkerPool {

    private final BlockingQueue<Runnable> runQueue = new LinkedBlockingQueue<>(); // the reactor and workers add, workers take
    private final List<Thread> workers;
    private volatile boolean shutdown; // set by the thread closing the server, read by every worker

    /** Creates {@code size} workers; none runs before {@link #start()}. */
    WorkerPool(int size) {
        List<Thread> threads = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            threads.add(Threads.newThread("worker-" + i, this::runWorker));
        }
        this.workers = List.copyOf(threads);
    }

    void start() {
        workers.forEach(Thread::start);
    }

    int size() {
        return workers.size();
    }

    /** Safe from any thread; never blocks (the queue's length is bounded by the connection count). */
    void submit(Runnable work) {
        runQueue.add(work);
    }

    // tag::worker[]
    private void runWorker() {
        while (!shutdown) {
            Runnable work;
            Trace.Step wait = Trace.beginWait();
            try {
                work = runQueue.take(); // 1. wait for a connection with frames to run
            } catch (InterruptedException e) {
                return;                 // shutdownAndJoin(): the reactor has drained, nothing is owed
            }
            Trace.end(wait, 0, 0, 0, 0, "park");
            work.run();                 // 2. run a batch of its frames (which hands the replies back)
        }
    }
    // end::worker[]

    /**
     * Stops every worker and waits until each has ended. Runs after the reactor has drained, so
     * every reply still owed was already written; whatever is left in the run queue belongs to
     * connections that are closed, and is dropped.
     *
     * <p>NOTE: a worker busy in the handler finishes its batch first; a handler that never
     * returns (and ignores the interrupt) cannot be stopped (Java cannot stop a thread): after
     * {@code timeout} and a grace period the join gives up and names the workers still running.
     */
    void shutdownAndJoin(Duration timeout) {
        shutdown = true;
        workers.forEach(Thread::interrupt); // wakes those waiting in take(); a busy one ends after its batch
        Threads.join(workers, timeout.plus(Threads.JOIN_GRACE)); // no thread may outlive close()
    }
}
