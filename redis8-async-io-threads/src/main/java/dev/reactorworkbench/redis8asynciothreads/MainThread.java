package dev.reactorworkbench.redis8asynciothreads;

import dev.reactorworkbench.servercore.trace.Trace;
import dev.reactorworkbench.servercore.loop.Connection;
import dev.reactorworkbench.servercore.loop.EventLoop;
import dev.reactorworkbench.servercore.loop.FrameProcessor;
import dev.reactorworkbench.servercore.nio.Listeners;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.servercore.lifecycle.ServerLog;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.singlethreadreactor.Acceptor;
import dev.reactorworkbench.singlethreadreactor.Reactor;
import dev.reactorworkbench.singlethreadreactor.ReactorServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The main thread of Redis 8: an event loop ({@code main-thread}, the base {@link Reactor}) that
 * accepts, deals each new connection to an I/O thread, and executes every command. It owns the
 * keyspace (whatever state the handler keeps) and no socket but the listener: the I/O threads read,
 * parse and write. Commands arrive in batches through its task queue; it runs each batch in order
 * and, before it sleeps, hands each I/O thread the replies of the turn as one batch.
 *
 * <p>What went away against Redis 6: no phase, no spin barrier. The main thread never waits for an
 * I/O thread and an I/O thread never waits for the main thread; each loop sleeps in its own
 * {@code select()} when it has nothing to do, and the cost is two queue hand-offs per command batch.
 */
public final class MainThread implements RunningServer {

    private static final System.Logger LOG = ServerLog.logger(MainThread.class);

    /** The main thread's name. */
    public static final String THREAD_NAME = "main-thread";

    /** The main thread owns only the listening socket; a connection registered on it would be a bug. */
    private static final Function<Connection, FrameProcessor> NO_CONNECTIONS = connection -> {
        throw new IllegalStateException("the main thread owns no connections");
    };

    private final Handler handler;           // main-thread only: the keyspace needs no lock
    private final List<IoThread> ioThreads;  // fixed in start(), before any thread runs
    private Reactor reactor;                 // set once in start(), before any thread runs
    private Acceptor acceptor;               // set once in start(); closed on main-thread
    private ReactorServer server;            // set once in start(), before it returns
    // main-thread only.
    private final ArrayList<IoThread> owedReplies = new ArrayList<>(); // I/O threads with replies this turn
    private int nextIoThread;                                          // round-robin cursor

    private MainThread(ServerConfig config, int ioThreadCount) {
        this.handler = config.handler();
        this.ioThreads = new ArrayList<>(ioThreadCount);
    }

    // tag::start[]
    /** Binds (a port in use throws here), then starts the I/O threads and the main thread. */
    static MainThread start(ServerConfig config, int ioThreadCount) throws IOException {
        MainThread main = new MainThread(config, ioThreadCount);
        ServerStats stats = new ServerStats();
        ServerSocketChannel listener = Listeners.bind(config);
        List<Reactor> loops = new ArrayList<>();
        try {
            // 1. The I/O threads, io-thread-1..N: each a reactor whose connections hand commands to us.
            for (int i = 1; i <= ioThreadCount; i++) {
                IoThread io = new IoThread(i, config, stats, main);
                main.ioThreads.add(io);
                loops.add(io.reactor());
            }
            // 2. The main thread: a reactor that owns the listener; its Acceptor deals connections out.
            main.reactor = new Reactor(THREAD_NAME, config, stats, NO_CONNECTIONS);
            loops.add(main.reactor);
            main.reactor.loop().beforeSleep(main::handRepliesBack);
            main.acceptor = new Acceptor(listener, config.maxConnections(), stats, main::dispatch);
            main.reactor.listen(main.acceptor);
        } catch (IOException | RuntimeException e) {
            EventLoop.closeQuietly(listener);
            loops.forEach(r -> r.loop().close()); // none started: each frees its selector at once
            throw e;
        }
        // 3. Start: the I/O threads wait in select() for their first connection, the main thread accepts.
        loops.forEach(Reactor::start);
        // 4. Close in stages: the I/O threads drain first, while the main thread still runs the
        //    commands they owe replies for; the main thread ends last.
        main.server = new ReactorServer((InetSocketAddress) listener.getLocalAddress(), stats, config.drainTimeout(),
                () -> { }, List.of(main.ioThreads.stream().map(IoThread::reactor).toList(), List.of(main.reactor)));
        return main;
    }
    // end::start[]

    // tag::dispatch[]
    /**
     * main-thread, for each accepted connection: deal it to the next I/O thread, which owns it from
     * then on (registration is handed to that thread's loop; see {@link Reactor#adopt}).
     * NOTE: Redis 8 picks the I/O thread with the fewest clients; round-robin here, as the issue asks.
     */
    private void dispatch(SocketChannel channel) {
        IoThread io = ioThreads.get(nextIoThread);
        nextIoThread = (nextIoThread + 1) % ioThreads.size();
        io.reactor().adopt(channel);
    }
    // end::dispatch[]

    /** Any I/O thread: hands a batch of parsed commands over; one task, at most one wakeup. */
    void submit(IoThread from, List<IoThread.Command> batch) {
        reactor.loop().execute(() -> execute(from, batch));
    }

    // tag::execute[]
    /**
     * main-thread: runs a batch of commands in the order they were parsed, and keeps each reply for
     * the I/O thread's next batch. Batches from one I/O thread arrive in the order it sent them
     * (the task queue is FIFO), and a connection lives on one I/O thread, so each connection's
     * commands run strictly in order.
     */
    private void execute(IoThread from, List<IoThread.Command> batch) {
        if (from.owesNothing()) {
            owedReplies.add(from); // <1>
        }
        for (IoThread.Command command : batch) {
            byte[] reply;
            try {
                reply = Trace.handle(handler, command.frame(), IoThread.traceId(command.client()), ++command.client().executed); // <2>
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "handler failed; its connection closes once the replies before it are written", e);
                reply = null;
            }
            from.addReply(new IoThread.Reply(command.client(), command.weight(), reply));
            Trace.handOff(IoThread.traceId(command.client()), command.client().executed, 1, from.reactor().name());
        }
    }

    /** main-thread, once per turn before it sleeps: each I/O thread gets this turn's replies as one batch. */
    private void handRepliesBack() {
        for (IoThread io : owedReplies) {
            io.handRepliesBack(); // <3>
        }
        owedReplies.clear();
    }
    // end::execute[]

    // tag::graceful-close[]
    /**
     * Graceful and idempotent: (1) the main thread closes the listener, so nothing more is dealt out;
     * (2) every I/O thread drains side by side, within the one drain timeout, writing the replies it
     * is owed while the main thread still executes their commands; (3) the main thread ends last.
     * Every thread is joined.
     */
    @Override
    public void close() {
        reactor.loop().execute(acceptor::close);
        server.close();
    }
    // end::graceful-close[]

    @Override
    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public ServerStats stats() {
        return server.stats();
    }

    /** Connections each I/O thread holds right now, io-thread-1 first; read from any thread. */
    public int[] connectionsPerIoThread() {
        return ioThreads.stream().mapToInt(io -> io.reactor().connectionCount()).toArray();
    }
}
