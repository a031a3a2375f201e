package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.singlethreadreactor.Reactor;
import dev.reactorworkbench.singlethreadreactor.ReactorServer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A running multi-reactor server. Closing is the base {@link ReactorServer}'s: the main reactor
 * first (it stops accepting, so nothing more is handed over), then all sub-reactors drain their
 * connections side by side; every thread is joined. On top of that it tells how many
 * connections each sub-reactor holds, which is what the balancing strategy is about.
 */
public final class MultiReactorServer implements RunningServer {

    private final ReactorServer reactors;
    private final SubReactorGroup subReactors;

    /** @param mainReactor the accepting reactor, or null when the sub-reactors accept themselves (SO_REUSEPORT) */
    MultiReactorServer(InetSocketAddress address, ServerStats stats, Duration drain, Reactor mainReactor,
                       SubReactorGroup subReactors) {
        // The main reactor stops accepting first, so nothing more is handed over; then every
        // sub-reactor drains its own connections at the same time.
        List<List<Reactor>> stages = mainReactor == null
                ? List.of(subReactors.reactors())
                : List.of(List.of(mainReactor), subReactors.reactors());
        this.reactors = new ReactorServer(address, stats, drain, () -> { }, stages);
        this.subReactors = subReactors;
    }

    /** Connections each sub-reactor holds right now (handed over and not yet closed), by index. */
    public int[] connectionsPerSubReactor() {
        return subReactors.connectionCounts();
    }

    @Override
    public InetSocketAddress address() {
        return reactors.address();
    }

    @Override
    public ServerStats stats() {
        return reactors.stats();
    }

    @Override
    public void close() {
        reactors.close();
    }
}
