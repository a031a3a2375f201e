package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running server made of reactors, shut down in the order given: for the multi-reactor model
 * the main reactor (which only accepts) goes first, so no connection is handed to a sub-reactor
 * that is already gone. {@code afterReactors} then stops whatever else the model started, such as
 * a worker pool that had to stay up until every reply was written.
 */
public final class ReactorServer implements RunningServer {

    private final InetSocketAddress address;
    private final ServerStats stats;
    private final List<Reactor> reactors;
    private final Runnable afterReactors;
    private final AtomicBoolean closing = new AtomicBoolean(); // any thread calling close()

    public ReactorServer(InetSocketAddress address, ServerStats stats, List<Reactor> reactors, Runnable afterReactors) {
        this.address = address;
        this.stats = stats;
        this.reactors = List.copyOf(reactors);
        this.afterReactors = afterReactors;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public ServerStats stats() {
        return stats;
    }

    @Override
    public void close() {
        boolean first = closing.compareAndSet(false, true);
        boolean interrupted = false;
        for (Reactor reactor : reactors) {
            if (first) {
                reactor.shutdownGracefully(SingleThreadReactorModel.DRAIN_NANOS);
            }
            while (!reactor.isTerminated()) {
                try {
                    reactor.join(); // every caller returns only once the threads have ended
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (first) {
            afterReactors.run();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
