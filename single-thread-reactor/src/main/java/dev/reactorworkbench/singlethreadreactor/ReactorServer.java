package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.servercore.lifecycle.Threads;

import java.net.InetSocketAddress;
import java.time.Duration;
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
    private final Duration drain;
    private final List<List<Reactor>> stages;
    private final Runnable afterReactors;
    private final AtomicBoolean closing = new AtomicBoolean(); // any thread calling close()

    /** One stage: every reactor shuts down at once. */
    public ReactorServer(InetSocketAddress address, ServerStats stats, Duration drain, List<Reactor> reactors,
                         Runnable afterReactors) {
        this(address, stats, drain, afterReactors, List.of(List.copyOf(reactors)));
    }

    /**
     * Stages in order; the reactors of one stage shut down side by side.
     *
     * @param drain how long connections may take to write the replies they owe (the drain timeout)
     */
    public ReactorServer(InetSocketAddress address, ServerStats stats, Duration drain, Runnable afterReactors,
                         List<List<Reactor>> stages) {
        this.address = address;
        this.stats = stats;
        this.drain = drain;
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
                stage.forEach(reactor -> reactor.shutdownGracefully(drain));
            }
            // Every caller returns only once the threads have ended; a thread that does not end
            // within the drain timeout and a grace period is named, not waited for forever.
            stage.forEach(reactor -> reactor.join(drain.plus(Threads.JOIN_GRACE)));
        }
        if (first) {
            afterReactors.run();
        }
    }
}
