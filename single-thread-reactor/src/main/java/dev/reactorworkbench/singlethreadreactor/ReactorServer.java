package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running server made of reactors, shut down in stages: each stage's reactors are all told to
 * shut down at once, drain side by side, and are joined before the next stage starts. The
 * multi-reactor model puts its main reactor (which only accepts) in a stage of its own, so no
 * connection is handed to a sub-reactor that is already gone. {@code afterReactors} then stops
 * whatever else the model started, such as a worker pool that had to stay up until every reply
 * was written.
 */
public final class ReactorServer implements RunningServer {

    private final InetSocketAddress address;
    private final ServerStats stats;
    private final List<List<Reactor>> stages;
    private final Runnable afterReactors;
    private final AtomicBoolean closing = new AtomicBoolean(); // any thread calling close()

    /** One stage: every reactor shuts down at once. */
    public ReactorServer(InetSocketAddress address, ServerStats stats, List<Reactor> reactors, Runnable afterReactors) {
        this(address, stats, afterReactors, List.of(List.copyOf(reactors)));
    }

    /** Stages in order; the reactors of one stage shut down side by side. */
    public ReactorServer(InetSocketAddress address, ServerStats stats, Runnable afterReactors, List<List<Reactor>> stages) {
        this.address = address;
        this.stats = stats;
        this.stages = stages.stream().map(List::copyOf).toList();
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
        for (List<Reactor> stage : stages) {
            if (first) {
                stage.forEach(reactor -> reactor.shutdownGracefully(SingleThreadReactorModel.DRAIN_NANOS));
            }
            stage.forEach(Reactor::join); // every caller returns only once the threads have ended
        }
        if (first) {
            afterReactors.run();
        }
    }
}
