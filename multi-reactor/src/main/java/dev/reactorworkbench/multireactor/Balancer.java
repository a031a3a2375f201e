package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.singlethreadreactor.Reactor;

import java.util.List;
import java.util.Locale;

/**
 * How the main reactor picks the sub-reactor that adopts a new connection (gev's
 * {@code LoadBalanceStrategy}, Netty's {@code EventExecutorChooser}). The choice is made once per
 * connection: from then on the connection lives and dies on that sub-reactor's thread.
 *
 * <p>Called only on the main-reactor thread, by its {@code Acceptor}, so a strategy may keep
 * plain mutable state.
 */
sealed interface Balancer permits Balancer.RoundRobin, Balancer.LeastConnections {

    String ROUND_ROBIN = "round-robin";
    String LEAST_CONNECTIONS = "least-connections";

    /** The sub-reactor for the next connection; never empty. */
    Reactor choose(List<Reactor> subReactors);

    /**
     * The strategy for the {@code --balance} flag; absent means round-robin.
     *
     * @throws IllegalArgumentException naming the flag and the allowed values
     */
    static Balancer named(String balance) {
        String name = balance == null ? ROUND_ROBIN : balance.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case ROUND_ROBIN -> new RoundRobin();
            case LEAST_CONNECTIONS -> new LeastConnections();
            default -> throw new IllegalArgumentException("balance must be " + ROUND_ROBIN + " or "
                    + LEAST_CONNECTIONS + ", was '" + balance + "'");
        };
    }

    // tag::balance[]
    /** Each sub-reactor in turn. Even counts of connections, blind to how long each one lives. */
    final class RoundRobin implements Balancer {
        private int next; // main-reactor thread only

        @Override
        public Reactor choose(List<Reactor> subReactors) {
            Reactor chosen = subReactors.get(next);
            next = (next + 1) % subReactors.size();
            return chosen;
        }
    }

    /**
     * The sub-reactor with the fewest open connections, the first one on a tie. It evens out
     * what round-robin cannot: after many connections on one sub-reactor close, new ones go there.
     */
    final class LeastConnections implements Balancer {
        @Override
        public Reactor choose(List<Reactor> subReactors) {
            Reactor emptiest = subReactors.get(0);
            int fewest = emptiest.connectionCount();
            for (Reactor candidate : subReactors) {
                // Counts go up here, at hand-off, on this thread, so the connection just handed
                // over is already counted; they go down on each sub-reactor's thread as
                // connections close, so a close racing this read is seen at the next accept.
                int count = candidate.connectionCount();
                if (count < fewest) {
                    emptiest = candidate;
                    fewest = count;
                }
            }
            return emptiest;
        }
    }
    // end::balance[]
}
