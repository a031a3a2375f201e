package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.servercore.loop.Connection;
import dev.reactorworkbench.servercore.loop.FrameProcessor;
import dev.reactorworkbench.echoprotocol.server.ModelOption;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.servercore.lifecycle.Threads;
import dev.reactorworkbench.singlethreadreactor.Acceptor;
import dev.reactorworkbench.singlethreadreactor.Reactor;
import dev.reactorworkbench.singlethreadreactor.SingleThreadReactorModel;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The sub-reactors (Netty's worker group, gev's work loops): N threads named
 * {@code sub-reactor-0..N-1}, each a complete single-thread {@link Reactor} that reads, decodes,
 * runs the handler inline, encodes and writes for the connections it owns. Nothing is shared
 * between them but the {@link ServerStats}, so adding sub-reactors adds cores without adding locks.
 */
final class SubReactorGroup {

    static final ModelOption REACTORS = new ModelOption("reactors",
            "Sub-reactors, each one thread serving its own connections", "--threads, else the number of cores");
    static final int MAX_REACTORS = 1024;

    private final List<Reactor> subReactors; // fixed at start; each Reactor is safe to call from any thread where used here

    private SubReactorGroup(List<Reactor> subReactors) {
        this.subReactors = List.copyOf(subReactors);
    }

    /**
     * The {@code --reactors} flag: how many sub-reactors to start.
     *
     * @throws IllegalArgumentException naming the flag and the allowed range
     */
    static int count(ServerConfig config) {
        return config.intOption(REACTORS.name(), Math.min(config.threadsOrCores(), MAX_REACTORS), 1, MAX_REACTORS);
    }

    /**
     * Creates and starts {@code count} sub-reactors. With {@code ownListeners} (the SO_REUSEPORT
     * variant) sub-reactor {@code i} also accepts on {@code ownListeners.get(i)} and adopts what it
     * accepts itself; without (empty list) connections arrive only through {@link Reactor#adopt}.
     * On failure every sub-reactor already started is stopped again.
     */
    static SubReactorGroup start(int count, ServerConfig config, ServerStats stats,
                                 List<ServerSocketChannel> ownListeners) throws IOException {
        // The same step as the single-thread model: run the handler right here, on the reactor thread.
        Function<Connection, FrameProcessor> runHere = SingleThreadReactorModel.runHere(config.handler());
        List<Reactor> started = new ArrayList<>(count);
        Reactor pending = null; // created, not yet started
        try {
            // tag::subreactors[]
            for (int i = 0; i < count; i++) {
                Reactor subReactor = new Reactor("sub-reactor-" + i, config, stats, runHere);
                pending = subReactor;
                if (!ownListeners.isEmpty()) {
                    // NOTE: every sub-reactor's Acceptor checks maxConnections against the one
                    // shared ServerStats gauge, so the limit holds for the whole server; but the
                    // check and the count are two steps, so N acceptors racing can overshoot
                    // the limit by up to N-1 connections.
                    subReactor.listen(new Acceptor(ownListeners.get(i), config.maxConnections(), stats, subReactor::adopt));
                }
                subReactor.start();
                started.add(subReactor);
                pending = null;
            }
            // end::subreactors[]
        } catch (IOException | RuntimeException e) {
            if (pending != null) {
                pending.loop().close(); // never started: frees its selector at once
            }
            new SubReactorGroup(started).stopNow();
            throw e;
        }
        return new SubReactorGroup(started);
    }

    List<Reactor> reactors() {
        return subReactors;
    }

    /** Open connections per sub-reactor, in thread-name order; read from any thread. */
    int[] connectionCounts() {
        return subReactors.stream().mapToInt(Reactor::connectionCount).toArray();
    }

    /** Stops every sub-reactor without a drain and waits for the threads; for a start that failed half-way. */
    void stopNow() {
        for (Reactor reactor : subReactors) {
            reactor.shutdownGracefully(Duration.ZERO);
        }
        subReactors.forEach(reactor -> reactor.join(Threads.JOIN_GRACE));
    }
}
