package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.servercore.loop.Connection;
import dev.reactorworkbench.servercore.loop.FrameProcessor;
import dev.reactorworkbench.servercore.nio.Listeners;
import dev.reactorworkbench.echoprotocol.server.ModelOption;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.singlethreadreactor.Acceptor;
import dev.reactorworkbench.singlethreadreactor.Reactor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Multiple reactors, master/worker (多 Reactor 多线程, 主从多线程模型; Netty's boss and worker
 * groups, gev, gnet): a main reactor thread only accepts, and hands each new connection to one of
 * N sub-reactors, each a single-thread reactor that owns the connection from then on. Accepting
 * no longer competes with I/O, and N cores serve connections without sharing a lock.
 */
public final class MultiReactorModel implements ServerModel {

    static final ModelOption BALANCE = new ModelOption("balance",
            "How the main reactor picks a sub-reactor for a new connection: "
                    + Balancer.ROUND_ROBIN + " or " + Balancer.LEAST_CONNECTIONS, Balancer.ROUND_ROBIN);

    /** The main reactor owns only the listening socket; a frame reaching it would be a bug. */
    private static final Function<Connection, FrameProcessor> NO_CONNECTIONS = connection -> {
        throw new IllegalStateException("the main reactor owns no connections");
    };

    @Override
    public String name() {
        return "multi-reactor";
    }

    @Override
    public String description() {
        return "a main reactor accepts and hands each connection to one of N sub-reactors (Netty boss/worker, gev)";
    }

    @Override
    public HandlerThreads handlerThreads() {
        return HandlerThreads.SEVERAL; // each sub-reactor runs the handler for its own connections
    }

    @Override
    public List<ModelOption> options() {
        return List.of(SubReactorGroup.REACTORS, BALANCE);
    }

    // tag::start[]
    @Override
    public MultiReactorServer start(ServerConfig config) throws IOException {
        // 1. Read the flags first, so a bad one fails before anything is bound or started.
        int count = SubReactorGroup.count(config);
        Balancer balancer = Balancer.named(config.option(BALANCE.name()));
        ServerStats stats = new ServerStats();
        ServerSocketChannel listener = Listeners.bind(config);
        SubReactorGroup subReactors = null;
        try {
            InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
            // 2. The sub-reactors: N single-thread reactors, each waiting in select() for its first connection.
            subReactors = SubReactorGroup.start(count, config, stats, List.of());
            // 3. The main reactor: the base Reactor and Acceptor, owning the listener and nothing else.
            Reactor mainReactor = new Reactor("main-reactor", config, stats, NO_CONNECTIONS);
            try {
                mainReactor.listen(new Acceptor(listener, config.maxConnections(), stats,
                        handOff(balancer, subReactors.reactors())));
            } catch (IOException | RuntimeException e) {
                mainReactor.loop().close(); // never started: frees its selector at once
                throw e;
            }
            // 4. Start accepting.
            mainReactor.start();
            return new MultiReactorServer(address, stats, config.drainTimeout(), mainReactor, subReactors);
        } catch (IOException | RuntimeException e) {
            try {
                listener.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (subReactors != null) {
                subReactors.stopNow();
            }
            throw e;
        }
    }
    // end::start[]

    // tag::handoff[]
    /**
     * What the main reactor's Acceptor does with each accepted connection, on the main-reactor
     * thread: pick a sub-reactor and hand the channel over.
     */
    static Consumer<SocketChannel> handOff(Balancer balancer, List<Reactor> subReactors) {
        return channel -> {
            Reactor subReactor = balancer.choose(subReactors);
            // The classic trap: channel.register(subReactorSelector, OP_READ) called right here
            // blocked for as long as that sub-reactor sat in select() (up to Java 10), and since
            // Java 11 returns at once but stays unseen by the sleeping select() until something
            // wakes it: on a quiet server, forever. adopt() instead queues the registration as a
            // task for the sub-reactor's own thread and wakes its selector once per batch.
            subReactor.adopt(channel);
        };
    }
    // end::handoff[]
}
