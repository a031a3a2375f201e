package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.servercore.trace.Trace;
import dev.reactorworkbench.servercore.lifecycle.Threads;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * An extra I/O thread, Redis's {@code IOThreadMain}: it waits for the main loop to deal it a share
 * of clients, reads and parses them (or writes their replies), and reports back by setting its
 * pending count to zero. It never runs the handler.
 *
 * <p>The hand-off is the volatile {@link #pending} count, Redis's {@code io_threads_pending[i]}:
 * <ol>
 *   <li>The main thread fills {@code share.connections} and sets {@code op} (plain writes, while this
 *       thread is idle and does not look at them), then writes {@code pending = n}.</li>
 *   <li>This thread reads {@code pending != 0}. A volatile read that sees a volatile write also
 *       sees every write made before it, so the list, the op and the connections' state are visible.</li>
 *   <li>This thread does the I/O, empties the list, then writes {@code pending = 0}.</li>
 *   <li>The main thread reads {@code 0}, and with it every change this thread made to the connections
 *       (decoded frames, EOF and error flags, what is left in the outbound queues).</li>
 * </ol>
 * No lock guards the connections: between the two hand-offs only one thread touches them.
 *
 * <p>NOTE: Redis stops idle I/O threads by holding a mutex they must take after spinning
 * ({@code stopThreadedIO}) and starts them by releasing it. Here a thread parks itself after
 * spinning and the main thread unparks it with each share: the same effect, and under low load,
 * when the main thread hands out nothing, the threads simply stay parked.
 */
final class IoThread implements Runnable {

    /**
     * Times this thread checks for work before it parks; Redis spins a million times. Spinning makes
     * the next phase start at once when the main loop is busy; parking stops burning a core when it
     * is not (low load, where the main thread does all I/O itself).
     */
    static final int SPINS_BEFORE_PARK = 20_000;

    final IoShare share;
    private final Thread thread;
    private volatile int pending;      // the hand-off: set by the main thread, cleared by this thread
    private IoShare.Op op;             // written by the main thread before pending, read by this thread after
    private volatile boolean stopping; // set once by the main thread at shutdown

    IoThread(int index) {
        this.share = new IoShare("io-thread-" + index);
        this.thread = Threads.newThread(share.threadName, this);
    }

    void start() {
        thread.start();
    }

    /** Main thread: hand this thread its filled share and wake it if it parked. */
    void hand(IoShare.Op op) {
        this.op = op;
        Trace.handOff(0, 0, share.connections.size(), share.threadName);
        pending = share.connections.size(); // release: publishes the list and the op (step 1)
        LockSupport.unpark(thread);     // a no-op permit if it is still spinning
    }

    /** Main thread: true while this thread still works on its share (acquire read, step 4). */
    boolean busy() {
        return pending != 0;
    }

    // tag::io-thread-loop[]
    @Override
    public void run() {
        while (true) {
            // 1. Wait for a share: spin a bounded number of times, then park until the main thread
            //    unparks us. Re-check after every wake-up: park may return spuriously.
            int spins = 0;
            Trace.Step wait = Trace.beginWait();
            while (pending == 0) {               // acquire read (step 2)
                if (stopping) {
                    return;
                }
                if (spins < SPINS_BEFORE_PARK) {
                    spins++;
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            Trace.end(wait, 0, 0, 0, spins, spins < SPINS_BEFORE_PARK ? "spin" : "park");
            // 2. Read+parse or write every connection dealt to us; the handler is not called here.
            int dealt = share.connections.size();
            try {
                share.runAll(op);
            } finally {
                Trace.handOff(0, 0, dealt, MainLoop.THREAD_NAME); // the share goes back to the main thread
                // 3. Hand the connections back (release write, step 3). Always, or the main loop would spin forever.
                pending = 0;
            }
        }
    }
    // end::io-thread-loop[]

    /** At shutdown, once the main loop has ended (no phase in flight): end the loop and wait for the thread. */
    void stopAndJoin() {
        stopping = true;
        LockSupport.unpark(thread);
        Threads.join(List.of(thread), Threads.JOIN_GRACE);
    }
}
