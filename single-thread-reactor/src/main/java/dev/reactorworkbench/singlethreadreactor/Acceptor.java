package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.servercore.trace.Trace;
import dev.reactorworkbench.servercore.loop.EventLoop;
import dev.reactorworkbench.servercore.loop.IoHandle;
import dev.reactorworkbench.servercore.lifecycle.AcceptFailures;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Doug Lea's Acceptor: the {@link IoHandle} of a listening socket. It runs on the thread of the
 * loop that owns the listener, accepts every pending connection (up to a bound per turn, so a
 * connection storm cannot starve the connections already open) and hands each one to a reactor.
 *
 * <p>When {@code accept()} fails (out of file descriptors, typically) it follows the one rule of
 * {@link AcceptFailures}: drop {@code OP_ACCEPT}, and add it back from a timer of the loop after a
 * pause that doubles from 10 ms to 1 s. Keeping {@code OP_ACCEPT} would spin the loop: the
 * selector is level-triggered, and a listener with a connection waiting in its backlog is ready
 * again on every turn. Established connections are served all the while.
 */
public final class Acceptor implements IoHandle {

    /** Most connections taken from the backlog in one turn of the loop. */
    static final int MAX_ACCEPTS_PER_TURN = 64;

    private final ServerSocketChannel listener;
    private final int maxConnections;
    private final ServerStats stats;
    private final Consumer<SocketChannel> handOff;

    // Loop thread only, once registered.
    private EventLoop loop;
    private SelectionKey key;
    private AcceptFailures failures;
    private boolean closed;

    /**
     * @param handOff where accepted connections go: the same reactor for the single-thread model,
     *                a chosen sub-reactor for the multi-reactor model
     */
    public Acceptor(ServerSocketChannel listener, int maxConnections, ServerStats stats, Consumer<SocketChannel> handOff) {
        this.listener = listener;
        this.maxConnections = maxConnections;
        this.stats = stats;
        this.handOff = handOff;
    }

    /** Registers the listener with {@code loop}, before the loop starts. */
    void register(EventLoop loop) throws IOException {
        this.loop = loop;
        this.failures = new AcceptFailures(loop.name() + " " + listener.getLocalAddress()); // logging made ready here
        this.key = loop.register(listener, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void onReady(int readyOps) {
        onAcceptable();
    }

    // tag::accept[]
    /** Called by the loop when the listening socket is readable. */
    private void onAcceptable() {
        for (int i = 0; i < MAX_ACCEPTS_PER_TURN; i++) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                pause(failures.failed(e)); // e.g. EMFILE: the rest wait in the backlog
                return;
            }
            if (channel == null) {
                return; // backlog empty
            }
            failures.accepted();
            if (stats.getConnectionsOpen() >= maxConnections) { // <1>
                stats.connectionRejected();
                EventLoop.closeQuietly(channel);
                continue;
            }
            stats.connectionOpened(); // counted here, so the limit holds across reactors
            Trace.accept(Trace.connectionId(channel));
            handOff.accept(channel);  // <2>
        }
    }
    // end::accept[]

    // tag::pause[]
    /**
     * Stops accepting for {@code pause}, then tries again. NOTE: the loop's timers fire on its
     * tick (at most 100 ms), so the shortest pauses are rounded up to it: fewer retries, never more.
     */
    private void pause(Duration pause) {
        key.interestOps(0);
        loop.timers().schedule(loop.now() + pause.toNanos(), () -> {
            if (!closed) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        });
    }
    // end::pause[]

    /** Shutdown: stop accepting; closing the listener frees the port at once. */
    @Override
    public void drain() {
        close();
    }

    @Override
    public void close() {
        closed = true;
        if (key != null) {
            loop.deregister(key);
        }
        EventLoop.closeQuietly(listener);
    }
}
