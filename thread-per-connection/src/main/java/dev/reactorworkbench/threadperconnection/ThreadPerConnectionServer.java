package dev.reactorworkbench.threadperconnection;

import dev.reactorworkbench.servercore.trace.Trace;
import dev.reactorworkbench.servercore.lifecycle.AcceptFailures;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.servercore.lifecycle.Threads;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * Blocking I/O, one thread per connection: the simplest server there is. The Acceptor thread
 * blocks in {@code accept()}; every accepted socket gets a thread of its own (a {@link Connection})
 * that blocks in {@code read()}, decodes, calls the handler and blocks in {@code write()}, in a
 * loop, until the peer goes away. No selector, no queues, no hand-offs: the thread's stack is the
 * connection's state.
 *
 * <p>Both models of this module are this class; they differ in one line, the {@link Thread.Builder}
 * they pass in: {@code Thread.ofPlatform()} (one kernel thread per connection) or
 * {@code Thread.ofVirtual()} (one virtual thread per connection, see
 * {@link VirtualThreadPerConnectionModel}).
 */
final class ThreadPerConnectionServer implements RunningServer {

    private final ServerConfig config;
    private final Duration drain; // how long close() lets connections write the replies they owe
    private final ServerStats stats = new ServerStats();
    private final ServerSocket serverSocket;
    private final InetSocketAddress address;
    private final Thread acceptor;
    private final ThreadFactory connectionThreads; // used by the acceptor thread only
    private final AcceptFailures acceptFailures;   // the acceptor thread only
    // Every connection started and not yet seen to have ended. Owned by the acceptor thread;
    // close() reads it only after joining the acceptor (the join is the hand-off).
    private final List<Connection> connections = new ArrayList<>();
    private volatile boolean closing; // written by close(), read by the acceptor
    private boolean closed;           // guarded by this (close() is synchronized)

    private ThreadPerConnectionServer(ServerConfig config, ServerSocket serverSocket, Thread.Builder threads) {
        this.config = config;
        this.drain = config.drainTimeout();
        this.serverSocket = serverSocket;
        this.address = new InetSocketAddress(serverSocket.getInetAddress(), serverSocket.getLocalPort());
        // One builder makes every thread of this server: first the acceptor, then conn-0, conn-1, ...
        // (daemons, the one thread rule: virtual threads are daemons anyway).
        Thread.Builder daemons = threads instanceof Thread.Builder.OfPlatform platform ? platform.daemon(true) : threads;
        this.acceptor = daemons.name("acceptor").unstarted(this::acceptLoop);
        this.connectionThreads = daemons.name("conn-", 0).factory();
        this.acceptFailures = new AcceptFailures("acceptor " + address); // logging made ready here
    }

    /** Binds, starts the acceptor and returns: from here on the kernel completes handshakes for us. */
    static RunningServer start(ServerConfig config, Thread.Builder threads) throws IOException {
        ServerSocket serverSocket = new ServerSocket();
        try {
            serverSocket.setReuseAddress(true); // a restarted server can bind despite TIME_WAIT connections
            serverSocket.bind(new InetSocketAddress(config.host(), config.port()), config.backlog());
        } catch (IOException | RuntimeException e) {
            serverSocket.close();
            throw e;
        }
        ThreadPerConnectionServer server = new ThreadPerConnectionServer(config, serverSocket, threads);
        server.acceptor.start();
        return server;
    }

    // tag::acceptor[]
    /** The Acceptor: takes connections off the listen queue and gives each one its own thread. */
    private void acceptLoop() {
        while (!closing) {
            // 1. Block until a peer connects. close() wakes us by closing the server socket.
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (closing) {
                    return;
                }
                // Out of file descriptors (EMFILE), typically: the connection threads keep serving
                // what they have; this thread pauses (10 ms doubling to 1 s) instead of spinning.
                LockSupport.parkNanos(acceptFailures.failed(e).toNanos());
                continue;
            }
            acceptFailures.accepted();
            Trace.accept(Trace.connectionId(socket));
            // 2. Over the limit: close it at once and count it. Only this thread opens
            //    connections, so the open count cannot grow between this check and step 3.
            if (stats.getConnectionsOpen() >= config.maxConnections()) {
                stats.connectionRejected();
                Connection.closeQuietly(socket);
                continue;
            }
            // 3. Admit it: one thread for this connection, for its whole life.
            stats.connectionOpened();
            Connection connection = new Connection(socket, config, stats);
            connections.add(connection);
            connection.start(connectionThreads);
            // 4. Forget connections whose threads have ended, now and then (amortised O(1) per accept).
            if (connections.size() > 2 * stats.getConnectionsOpen() + 64) {
                connections.removeIf(Connection::hasEnded);
            }
        }
    }
    // end::acceptor[]

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public ServerStats stats() {
        return stats;
    }

    // tag::close[]
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        // 1. Stop accepting: closing the server socket wakes the acceptor out of accept() and frees
        //    the port. After the join, `connections` is ours to read and no connection is added.
        Connection.closeQuietly(serverSocket);
        LockSupport.unpark(acceptor); // if it is pausing after a failed accept
        Threads.join(List.of(acceptor), Threads.JOIN_GRACE);
        // 2. Shut down the input of every connection: a thread blocked in read() sees EOF, writes the
        //    replies it owes for what it has already read, and closes its socket.
        for (Connection c : connections) {
            c.shutdownInput();
        }
        long deadline = System.nanoTime() + drain.toNanos();
        for (Connection c : connections) {
            c.join(deadline);
        }
        // 3. NOTE: a peer that never reads keeps its connection thread blocked in write() for ever,
        //    and the join above would hang with it. After the drain timeout we close such sockets hard
        //    (RST): the blocked write fails, the thread ends, and those unread replies are lost.
        for (Connection c : connections) {
            if (!c.hasEnded()) {
                c.abort();
            }
        }
        // 4. Join every thread we started, so none outlives close(); one that does not end is named.
        Threads.join(connections.stream().map(Connection::thread).toList(), Threads.JOIN_GRACE);
        connections.clear();
    }
    // end::close[]
}
