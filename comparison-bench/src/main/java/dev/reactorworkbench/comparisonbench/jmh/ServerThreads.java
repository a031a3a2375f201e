package dev.reactorworkbench.comparisonbench.jmh;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Counts the platform threads a server started: the live threads now, minus those that were
 * alive before it started, minus the load generator's client threads.
 * NOTE: virtual threads are not counted (the JDK does not list them); their carrier threads
 * ({@code ForkJoinPool-...-worker-N}) are, since they start with the first virtual thread.
 */
final class ServerThreads {

    private final Set<Thread> before;

    private ServerThreads(Set<Thread> before) {
        this.before = before;
    }

    /** Remembers the threads alive now; call just before starting the server. */
    static ServerThreads baseline() {
        return new ServerThreads(Set.copyOf(Thread.getAllStackTraces().keySet()));
    }

    /** Threads alive now that were not alive at the baseline and are not load-client threads. */
    int count() {
        return newThreads().size();
    }

    Set<Thread> newThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> !before.contains(t))
                .filter(t -> !t.getName().startsWith("load-client-"))
                .filter(t -> !t.getName().contains("jmh"))
                .collect(Collectors.toSet());
    }
}
