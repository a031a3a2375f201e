package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.servercore.loop.Connection;
import dev.reactorworkbench.servercore.loop.EventLoop;
import dev.reactorworkbench.servercore.loop.FrameProcessor;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Doug Lea's Reactor: an {@link EventLoop} (one thread, one selector; see it for the dispatch
 * loop) that owns connections. The {@link Acceptor} hands it each accepted socket; it wraps the
 * socket in a {@link Connection}, Lea's Handler, whose frames go to the {@link FrameProcessor}
 * the model makes for it. That processor is the one step the models built on this reactor
 * change: run the handler right here, or hand the frame to a worker pool.
 */
public final class Reactor {

    private final EventLoop loop;
    private final ServerConfig config;
    private final ServerStats stats;
    private final Function<Connection, FrameProcessor> processors;
    private final AtomicInteger connectionCount = new AtomicInteger(); // up on hand-off (any thread), down on close (loop)
    private final Runnable connectionClosed = connectionCount::decrementAndGet; // one object for every connection

    /**
     * @param name       the thread's name, e.g. {@code reactor} or {@code sub-reactor-2}
     * @param processors makes the model's frame processor for each new connection
     */
    public Reactor(String name, ServerConfig config, ServerStats stats,
                   Function<Connection, FrameProcessor> processors) throws IOException {
        this.loop = new EventLoop(name, config.idleTimeout().dividedBy(8));
        this.config = config;
        this.stats = stats;
        this.processors = processors;
    }

    /** The loop underneath, for a model that adds a hook ({@code beforeSleep}) or a timer. */
    public EventLoop loop() {
        return loop;
    }

    public String name() {
        return loop.name();
    }

    /** Adds a listening socket to this reactor. Call before {@link #start()}. */
    public void listen(Acceptor acceptor) throws IOException {
        acceptor.register(loop);
    }

    public void start() {
        loop.start();
    }

    /** Connections handed to this reactor and not yet closed; read by a balancer on another thread. */
    public int connectionCount() {
        return connectionCount.get();
    }

    // tag::adopt[]
    /**
     * Takes ownership of an accepted connection. Safe from any thread.
     *
     * <p>Pitfall: {@code channel.register(selector, ...)} from another thread, while this reactor
     * sits in {@code select()}, blocked the caller up to Java 10; since Java 11 it returns at once,
     * but the sleeping {@code select()} does not see the new key until something wakes it (on a
     * quiet server, never). So registration is handed to the reactor's own thread, with a wakeup,
     * and the connection's state is created and used by that one thread only.
     */
    public void adopt(SocketChannel channel) {
        connectionCount.incrementAndGet();
        if (loop.inLoop()) {
            register(channel);
        } else {
            loop.execute(() -> register(channel));
        }
    }
    // end::adopt[]

    private void register(SocketChannel channel) {
        try {
            if (loop.isStopping()) {
                throw new IOException("arrived after shutdown began");
            }
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            new Connection(loop, channel, config, stats, processors, connectionClosed);
        } catch (IOException | RuntimeException e) {
            EventLoop.closeQuietly(channel); // a reset before registration, or a model that failed to set it up
            stats.connectionClosed();
            connectionCount.decrementAndGet();
        }
    }

    /** Graceful close, from any thread; see {@link EventLoop#shutdownGracefully}. */
    public void shutdownGracefully(Duration drain) {
        loop.shutdownGracefully(drain);
    }

    /** Waits for the reactor's thread, at most {@code timeout}; names it if it did not end. */
    public void join(Duration timeout) {
        loop.join(timeout);
    }
}
