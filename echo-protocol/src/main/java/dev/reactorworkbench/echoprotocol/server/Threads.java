package dev.reactorworkbench.echoprotocol.server;

/** What every model does with the threads it started when it closes. */
public final class Threads {

    private Threads() {
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
