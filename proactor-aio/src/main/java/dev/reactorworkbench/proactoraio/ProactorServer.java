package dev.reactorworkbench.proactoraio;

import dev.reactorworkbench.servercore.lifecycle.AcceptFailures;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.servercore.lifecycle.ServerLog;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.servercore.lifecycle.Threads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * A proactor server: one {@link AsynchronousServerSocketChannel} in an
 * {@link AsynchronousChannelGroup} that owns a fixed pool of {@code --threads} threads named
 * {@code proactor-N}, and one thread of its own, {@code proactor-acceptor}, the {@link Acceptor},
 * which waits for one connection after the other and starts each one's first read (its NOTE says
 * why it is a thread and not an accept completion handler). From then on nothing loops: each
 * {@link Connection} asks for its next read or write from its own completions, and every
 * completion handler runs on one of the pool threads.
 *
 * <p>NOTE: on Linux this is not a kernel proactor. The JDK <em>emulates</em> one over epoll:
 * one pool thread at a time waits in {@code epoll_wait} and hands the other ready channels to the
 * rest of the pool (a leader/followers arrangement); when a channel with a pending read is
 * readable, a pool thread performs the {@code read(2)} itself, into our buffer, and then calls our
 * completion handler. The readiness comes from the kernel, the I/O is done by Java threads. It is
 * a reactor with the "do the I/O" step moved inside the JDK. With Windows IOCP (or Linux
 * {@code io_uring}, which the JDK does not use for sockets) the kernel performs the I/O into the
 * buffer and only the completion reaches user space. The JDK even attempts the I/O at once on
 * the thread that starts it and, when that works, may run the completion handler right there,
 * inside {@code read()} or {@code write()} (up to 16 handlers deep), which is why
 * {@link Connection} never starts I/O while it holds its lock.
 *
 * <p>NOTE: which completion runs where, and whether that is fair (issue 11, read in the JDK's
 * {@code sun.nio.ch} sources and counted in a run of 1,024 connections). Ready channels are
 * handed out first come, first served: one pool thread takes up to 512 events from
 * {@code epoll_wait} (one-shot, so each channel appears once), queues them, and the pool works
 * through the queue; the next poll comes after the last of them. A completion that calls
 * {@code read()} or {@code write()} has the I/O tried at once on its own thread, and when it
 * succeeds the next completion runs right there, nested: about 1 in 5 reads did (the client had
 * answered already), so a connection may be served a few times in a row, at most until the
 * thread holds {@code sun.nio.ch.maxCompletionHandlersOnStack} (16) handlers; past that the JDK
 * leaves the I/O to epoll. That is bounded and did not starve anyone. What did is the third way a
 * completion can run, as a task the group queues, which a fixed pool runs one per
 * {@code epoll_wait} round: the JDK does that for an accept that succeeds at once, which is why
 * the {@link Acceptor} is a thread (its NOTE has the figures).
 *
 * <p>NOTE: what the model leaves out: no zero-copy transfer (NIO.2 has no
 * {@code transferTo}/{@code sendfile} for asynchronous sockets: every reply is copied, from its
 * heap buffer into a direct buffer of the JDK's, then into the kernel); no write timeout (a peer that stops reading keeps its connection, with at most
 * the high water mark of replies held for it, see {@link Connection}); and no per-connection
 * control over which thread runs a completion (any pool thread may run any connection's
 * handlers).
 */
final class ProactorServer implements RunningServer {

    private static final System.Logger LOG = ServerLog.logger(ProactorServer.class);

    /** How long {@link #close()} waits for the group's threads, once after shutdown() and once after shutdownNow(). */
    static final Duration TERMINATION_TIMEOUT = Duration.ofSeconds(5);

    private final ServerConfig config;
    private final ServerStats stats = new ServerStats();
    private final ProactorThreads threads;
    private final AsynchronousChannelGroup group;
    private final AsynchronousServerSocketChannel listener;
    private final InetSocketAddress address;

    // Touched by completion handlers on every pool thread and by the closing thread: guarded by
    // the set's own monitor, which close() also waits on until the set is empty.
    private final Set<Connection> connections = new HashSet<>();
    private boolean closing; // guarded by `connections`; once true no connection is added

    // Completions that failed in a way the design rules out (ReadPendingException, an exception
    // from the handler...): counted from any thread, so tests can assert there were none.
    private final LongAdder unexpectedFailures = new LongAdder();
    // How often a connection stopped reading above the high water mark (any thread): shows
    // backpressure at work, for tests and the curious.
    private final LongAdder readPauses = new LongAdder();

    private boolean closed; // guarded by `this` (close() is synchronized, a second caller waits)

    // The Acceptor's thread, proactor-acceptor: started once the listener is bound, ended and
    // joined by close(). Final, so any thread may read it.
    private final Thread acceptor;

    private ProactorServer(ServerConfig config, ProactorThreads threads, AsynchronousChannelGroup group,
                           AsynchronousServerSocketChannel listener) throws IOException {
        this.config = config;
        this.threads = threads;
        this.group = group;
        this.listener = listener;
        this.address = (InetSocketAddress) listener.getLocalAddress();
        AcceptFailures failures = new AcceptFailures("proactor-aio " + address.getHostString() + ":" + address.getPort());
        this.acceptor = new Thread(new Acceptor(this, failures), "proactor-acceptor");
        this.acceptor.setDaemon(false); // a running server keeps its JVM alive; it ends in close()
    }

    static ProactorServer start(ServerConfig config) throws IOException {
        // 1. The group: a fixed pool whose threads wait for events and run every completion handler.
        ProactorThreads threads = new ProactorThreads();
        AsynchronousChannelGroup group = AsynchronousChannelGroup.withFixedThreadPool(config.threadsOrCores(), threads);
        try {
            // 2. The listening channel, in that group.
            AsynchronousServerSocketChannel listener = AsynchronousServerSocketChannel.open(group);
            ProactorServer server;
            try {
                listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                listener.bind(new InetSocketAddress(config.host(), config.port()), config.backlog());
                server = new ProactorServer(config, threads, group, listener);
            } catch (IOException | RuntimeException e) {
                listener.close();
                throw e;
            }
            // 3. Start the Acceptor's thread: it accepts one connection after the other and
            //    starts each one's first read; the connections' completions do the rest.
            server.acceptor.start();
            return server;
        } catch (IOException | RuntimeException e) {
            shutdownGroup(group, threads);
            throw e;
        }
    }

    ServerConfig config() {
        return config;
    }

    /** The Acceptor's thread (for tests). */
    Thread acceptorThread() {
        return acceptor;
    }

    AsynchronousServerSocketChannel listener() {
        return listener;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public ServerStats stats() {
        return stats;
    }

    /** Failures the design rules out; tests assert this stays 0. */
    long unexpectedFailures() {
        return unexpectedFailures.sum();
    }

    /** How many times a connection paused reading because its replies passed the high water mark. */
    long readPauses() {
        return readPauses.sum();
    }

    void readPaused() {
        readPauses.increment();
    }

    /** The pool threads this server started (for tests). */
    List<Thread> poolThreads() {
        return threads.started();
    }

    void unexpected(String where, Throwable e) {
        unexpectedFailures.increment();
        LOG.log(System.Logger.Level.ERROR, "proactor-aio: unexpected failure in " + where, e);
    }

    /**
     * Called by the Acceptor: counts the connection as opened and tracks it for close(); false
     * once the server is closing (the caller then closes the channel, counted nowhere).
     */
    boolean register(Connection connection) {
        synchronized (connections) {
            if (closing) {
                return false;
            }
            connections.add(connection);
            stats.connectionOpened();
            return true;
        }
    }

    /** Called exactly once per registered connection, by whichever thread closed it. */
    void unregister(Connection connection) {
        synchronized (connections) {
            if (connections.remove(connection) && connections.isEmpty()) {
                connections.notifyAll();
            }
        }
    }

    boolean isClosing() {
        synchronized (connections) {
            return closing;
        }
    }

    /**
     * Graceful close, in steps. Idempotent; a second caller waits until the first is done.
     * Returns when every thread of this server ({@code proactor-N}, and the JDK's timer thread)
     * has ended and the port is free.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // tag::close[]
        // 1. Stop accepting: no connection is registered from now on, and closing the listener
        //    fails its outstanding accept (AsynchronousCloseException) and frees the port.
        List<Connection> open;
        synchronized (connections) {
            closing = true;
            open = new ArrayList<>(connections);
        }
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "proactor-aio: closing the listening channel", e); // carry on closing
        }
        acceptor.interrupt(); // ends a pause at once; a waiting accept fails now the listener is closed
        Threads.joinUninterruptibly(acceptor);
        // 2. Drain: every connection reads no more, writes the replies it owes for what it has
        //    read, then closes itself. Bounded: a peer that does not read cannot hold us up.
        for (Connection c : open) {
            c.drain();
        }
        boolean drained = awaitNoConnections(config.drainTimeout());
        // 3. Whoever is left (replies the peer will not take): close now, replies dropped.
        if (!drained) {
            synchronized (connections) {
                open = new ArrayList<>(connections);
            }
            for (Connection c : open) {
                c.close();
            }
        }
        // 4. Every channel is closed, so the group terminates as soon as the completion handlers
        //    still running return; wait for that, and join the pool threads themselves.
        shutdownGroup(group, threads);
        // end::close[]
    }

    private boolean awaitNoConnections(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (connections) {
            while (!connections.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(connections, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * shutdown() lets running completion handlers finish; shutdownNow() closes whatever channel
     * is still open. Either way the pool threads end, and we join each of them (and the JDK's
     * timer thread, see {@link ProactorThreads}).
     */
    private static void shutdownGroup(AsynchronousChannelGroup group, ProactorThreads threads) {
        boolean interrupted = false;
        try {
            group.shutdown();
            if (!group.awaitTermination(TERMINATION_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
                group.shutdownNow();
                group.awaitTermination(TERMINATION_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot shut the channel group down", e);
        }
        interrupted |= threads.joinAll(TERMINATION_TIMEOUT);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The threads of one server: the group's pool threads, which this factory names
     * {@code proactor-N} and remembers so close() can join them, and the JDK's timer thread.
     *
     * <p>NOTE: the JDK starts one more thread per group, not through this factory: a
     * {@code ScheduledThreadPoolExecutor} that fires read timeouts, started on the first read with
     * a timeout and named {@code InnocuousThread-N}. A thread dump of a running server shows
     * {@code proactor-0..N-1} and that one (none with {@code --idle-timeout 0}). Terminating the
     * group shuts the timer down but does not wait for it (it ends a few milliseconds later), and
     * the group offers no way to reach it. So {@link #joinAll} also waits, bounded, for every
     * {@code InnocuousThread-N} that appeared while this server ran; should another proactor server
     * have started meanwhile in the same JVM and still run, its timer is waited for in vain, until
     * the bound.
     */
    static final class ProactorThreads implements ThreadFactory {
        private static final String JDK_TIMER_THREAD = "InnocuousThread-";

        // Written by whichever thread the pool asks for a thread (the starting thread, or a pool
        // thread replacing one that died), read by close(): guarded by the list's monitor.
        private final List<Thread> started = new ArrayList<>();
        // The JDK's timer threads alive before this server's group existed; final, read by close().
        private final Set<Thread> jdkTimersBefore = jdkTimerThreads();

        @Override
        public Thread newThread(Runnable task) {
            synchronized (started) {
                Thread t = new Thread(task, "proactor-" + started.size());
                t.setDaemon(false); // a running server keeps its JVM alive
                started.add(t);
                return t;
            }
        }

        List<Thread> started() {
            synchronized (started) {
                return List.copyOf(started);
            }
        }

        /**
         * Joins every pool thread, then every JDK timer thread that appeared since this server
         * started, within the timeout overall; true if interrupted meanwhile.
         */
        boolean joinAll(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<Thread> threads = new ArrayList<>(started());
            jdkTimerThreads().stream().filter(t -> !jdkTimersBefore.contains(t)).forEach(threads::add);
            for (Thread t : threads) {
                long left = deadline - System.nanoTime();
                try {
                    if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                        LOG.log(System.Logger.Level.WARNING, "proactor-aio: thread " + t.getName() + " did not end within " + timeout);
                    }
                } catch (InterruptedException e) {
                    return true;
                }
            }
            return false;
        }

        private static Set<Thread> jdkTimerThreads() {
            return Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith(JDK_TIMER_THREAD))
                    .collect(Collectors.toSet());
        }
    }
}
