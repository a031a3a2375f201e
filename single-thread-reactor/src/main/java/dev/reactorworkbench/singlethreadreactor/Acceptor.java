package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Doug Lea's Acceptor: runs on the thread of the reactor that owns the listening socket, accepts
 * every pending connection (up to a bound per turn, so a connection storm cannot starve the
 * connections already open) and hands each one to a reactor.
 */
public final class Acceptor {

    /** Most connections taken from the backlog in one turn of the loop. */
    static final int MAX_ACCEPTS_PER_TURN = 64;

    private final ServerSocketChannel listener;
    private final int maxConnections;
    private final ServerStats stats;
    private final Consumer<SocketChannel> handOff;

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

    public ServerSocketChannel listener() {
        return listener;
    }

    // tag::accept[]
    /** Called by the reactor when the listening socket is readable. */
    void onAcceptable() {
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
                closeQuietly(channel);
                continue;
            }
            stats.connectionOpened(); // counted here, so the limit holds across reactors
            handOff.accept(channel);  // <2>
        }
    }
    // end::accept[]

    static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing: nothing useful to do with the error
        }
    }
}
