package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.singlethreadreactor.Reactor;
import dev.reactorworkbench.singlethreadreactor.ReactorServer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A running multi-reactor server. Closing is the base {@link ReactorServer}'s: reactors in order,
 * the main reactor first (it stops accepting, so nothing more is handed over), then each
 * sub-reactor drains its connections; every thread is joined. On top of that it tells how many
 * connections each sub-reactor holds, which is what the balancing strategy is about.
 */
public final class MultiReactorServer implements RunningServer {

    private final ReactorServer reactors;
    private final SubReactorGroup subReactors;

    /** @param mainReactor the accepting reactor, or null when the sub-reactors accept themselves (SO_REUSEPORT) */
    MultiReactorServer(InetSocketAddress address, ServerStats stats, Reactor mainReactor, SubReactorGroup subReactors) {
        List<Reactor> closeOrder = new ArrayList<>();
        if (mainReactor != null) {
            closeOrder.add(mainReactor);
        }
        closeOrder.addAll(subReactors.reactors());
        // NOTE: the base closes the sub-reactors one after another, so while sub-reactor 0
        // drains, the others still serve; close() returns only when all of them are done.
        this.reactors = new ReactorServer(address, stats, closeOrder, () -> { });
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
