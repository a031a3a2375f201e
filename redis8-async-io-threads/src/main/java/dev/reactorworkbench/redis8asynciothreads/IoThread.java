package dev.reactorworkbench.redis8asynciothreads;

import dev.reactorworkbench.servercore.trace.Trace;
import dev.reactorworkbench.servercore.loop.Connection;
import dev.reactorworkbench.servercore.loop.FrameProcessor;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.singlethreadreactor.Reactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One I/O thread of Redis 8 ({@code IOThreadMain} in {@code iothread.c}): an event loop of its own,
 * the base {@link Reactor} named {@code io-thread-N}, which owns the sockets of the connections the
 * main thread dealt it. It reads and parses them, and writes their replies, all on its own thread,
 * with the core's water marks, idle timer, half-close and farewell. What it never does is run a
 * command: each parsed command goes to the main thread, and its reply comes back.
 *
 * <p>The two hand-offs, one batch per turn each way:
 * <ol>
 *   <li>Commands, I/O thread to main thread: every command parsed during a turn is added to
 *       {@link #parsed}; before the loop sleeps, the whole list goes to the main thread as one task.</li>
 *   <li>Replies, main thread to I/O thread: every reply the main thread computes for this thread's
 *       connections during one of its turns is added to {@link #replies}; before the main thread
 *       sleeps, the whole list comes back here as one task.</li>
 * </ol>
 * Both ride on the core's task queue ({@code EventLoop.execute}), which already pays one
 * {@code Selector.wakeup()} per batch of tasks: a batch per turn on the producer's side makes it one
 * task, and one wakeup at most, per turn per direction. Redis 8 keeps a list per direction under a
 * mutex and notifies through an eventfd; the queue and {@code wakeup()} are Java's same two steps.
 */
final class IoThread {

    /**
     * Added to a command's length when counting its reply towards the water marks before the reply
     * exists (as the worker pool does): an empty command still counts, so a flood of them is bounded.
     */
    static final int COMMAND_OVERHEAD = 4;

    private final Reactor reactor;  // the loop; its thread, io-thread-N, is the only one touching a connection
    private final MainThread main;

    // io-thread-N only: commands parsed this turn, in the order they arrived, not yet handed over.
    private ArrayList<Command> parsed = new ArrayList<>();
    // main-thread only: replies computed during the main thread's current turn, not yet handed back.
    private ArrayList<Reply> replies = new ArrayList<>();

    IoThread(int index, ServerConfig config, ServerStats stats, MainThread main) throws IOException {
        this.main = main;
        this.reactor = new Reactor("io-thread-" + index, config, stats, this::processorFor);
        this.reactor.loop().beforeSleep(this::handCommandsToMain);
    }

    Reactor reactor() {
        return reactor;
    }

    /** A parsed command and the client it came from; crosses from io-thread-N to main-thread. */
    record Command(Client client, byte[] frame) {
        int weight() {
            return frame.length + COMMAND_OVERHEAD;
        }
    }

    /** A command's reply, or {@code null} when the handler failed; crosses back from main-thread. */
    record Reply(Client client, int weight, byte[] reply) {
    }

    /** Each connection's processor: the one piece of state this model keeps per connection. */
    private FrameProcessor processorFor(Connection connection) {
        return new Client(connection);
    }

    // tag::parsed[]
    /** One connection as this I/O thread sees it (Redis's {@code client}); everything here is io-thread-N only. */
    final class Client implements FrameProcessor {
        private final Connection connection;
        private boolean failed; // a command of it failed on the main thread: its later replies are dropped
        long executed;          // main-thread only: its commands run so far, the trace's request sequence

        private Client(Connection connection) {
            this.connection = connection;
        }

        /**
         * io-thread-N, each parsed command in order: queue it for the main thread, never run it
         * here. The frame is a view of this thread's read buffer, lent for this call only, and
         * the command runs later on another thread: so it is copied (as Redis keeps each client's
         * query buffer until the main thread has run its commands).
         */
        @Override
        public void process(ByteBuffer frame) {
            Command command = new Command(this, Handler.copyOf(frame));
            connection.owe(command.weight()); // <1>
            parsed.add(command);              // <2>
            Trace.handOff(connection.traceId(), connection.requests(), 1, MainThread.THREAD_NAME);
        }
    }

    /** The id the trace events give {@code client}'s connection; any thread (it is final). */
    static long traceId(Client client) {
        return client.connection.traceId();
    }

    /** io-thread-N, once per turn before the loop sleeps: the turn's commands go over as one batch. */
    private void handCommandsToMain() {
        if (parsed.isEmpty()) {
            return;
        }
        List<Command> batch = parsed;
        parsed = new ArrayList<>(); // the batch now belongs to the main thread
        main.submit(this, batch);   // <3>
    }
    // end::parsed[]

    // tag::replies[]
    /** main-thread: one reply computed for one of this thread's connections. */
    void addReply(Reply reply) {
        replies.add(reply);
    }

    /** main-thread, once per main turn for each I/O thread owed replies: they go back as one batch. */
    void handRepliesBack() {
        List<Reply> batch = replies;
        replies = new ArrayList<>();
        reactor.loop().execute(() -> deliver(batch)); // <1>
    }

    /** io-thread-N: each reply goes to its connection in order; the loop writes them before it sleeps. */
    private void deliver(List<Reply> batch) {
        for (Reply r : batch) {
            Client client = r.client();
            client.connection.settled(r.weight()); // <2>
            if (r.reply() == null) {
                // The handler failed: a reply cannot be skipped (the client pairs replies with
                // requests by order), so the connection ends, after the replies owed before this one.
                client.failed = true;
                client.connection.drain(); // <3>
            } else if (!client.failed) {
                client.connection.send(r.reply()); // a no-op if the connection closed meanwhile
            }
        }
    }
    // end::replies[]

    /** main-thread: true while no reply waits to go back; the first one lists this thread as owed replies. */
    boolean owesNothing() {
        return replies.isEmpty();
    }
}
