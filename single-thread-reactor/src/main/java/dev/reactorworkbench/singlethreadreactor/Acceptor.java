package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.echoprotocol.loop.EventLoop;
import dev.reactorworkbench.echoprotocol.loop.IoHandle;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Doug Lea's Acceptor: the {@link IoHandle} of a listening socket. It runs on the thread of the
 * loop that owns the listener, accepts every pending connection (up to a bound per turn, so a
 * connection storm cannot starve the connections already open) and hands each one to a reactor.
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
                return; // e.g. EMFILE: leave the rest in the backlog, try again next turn
            }
            if (channel == null) {
                return; // backlog empty
            }
            if (stats.getConnectionsOpen() >= maxConnections) { // <1>
                stats.connectionRejected();
                EventLoop.closeQuietly(channel);
                continue;
            }
            stats.connectionOpened(); // counted here, so the limit holds across reactors
            handOff.accept(channel);  // <2>
        }
    }
    // end::accept[]

    /** Shutdown: stop accepting; closing the listener frees the port at once. */
    @Override
    public void drain() {
        close();
    }

    @Override
    public void close() {
        if (key != null) {
            loop.deregister(key);
        }
        EventLoop.closeQuietly(listener);
    }
}
