package dev.reactorworkbench.comparisonbench.process;

/**
 * The server of one benchmark trial, in a process of its own: a model or a Netty reference server
 * started with {@code ./workbench serve} ({@link ServerProcess}), or a real {@code redis-server}
 * (the reference rows of {@code compare --protocol resp}). The benchmark needs the same four
 * things of either: where to connect, the kernel's counters of the process, how many threads it
 * runs, and a way to stop it that leaves nothing behind.
 */
public interface TrialServer extends AutoCloseable {

    int port();

    /** The kernel's counters of the server process now. */
    ProcCounters counters();

    /** The server's own threads (its runtime's threads not counted where they can be told apart); -1 if unknown. */
    int serverThreads();

    /** The last lines the server printed or logged, for error messages. */
    String lastOutput();

    /** Stops the process (gracefully, then forcibly) and waits until it is gone. */
    @Override
    void close();
}
