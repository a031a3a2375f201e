package dev.reactorworkbench.proactoraio;

import dev.reactorworkbench.servercore.trace.Trace;
import dev.reactorworkbench.servercore.lifecycle.AcceptFailures;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ShutdownChannelGroupException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The Acceptor: one thread, {@code proactor-acceptor}, that asks the listening channel for one
 * connection at a time ({@code accept()}, the {@code Future} form) and waits for it, admits it,
 * and starts its first read; from then on the connection's completions drive it on the pool.
 *
 * <p>NOTE: why a thread and not an accept completion handler (the proactor's textbook shape, and
 * this model's first version). On Linux the JDK runs the completion of an accept that succeeds at
 * once, because a connection is already waiting in the backlog, <em>indirectly</em>: it queues it
 * as a task for the group ({@code UnixAsynchronousServerSocketChannelImpl.implAccept} ends in
 * {@code Invoker.invokeIndirectly}). A fixed pool runs such tasks from the same loop that handles
 * I/O events ({@code EPollPort}), and only one task per {@code epoll_wait} round: a pool thread
 * polls, hands out up to 512 ready events, and the next poll, with the next task, comes only once
 * all of them were handled. An accept completion that starts the next accept while connections
 * wait (a load that connects 1,024 clients while the first ones are already busy) therefore
 * accepts <em>one connection per round</em>; with 2 threads and 20 us of work per message a round
 * takes milliseconds, so the last connections waited seconds in the backlog, completing no round
 * trip while the accepted ones were served (issue 11; ProactorAioFairnessIT, 1,024 connections
 * opened while the earlier ones loop, {@code --work 20 --threads 2}, round trips per connection in
 * 5 s: min 0, mean 40.7, max 125, 476 connections below a quarter of the mean). Here a connection
 * already waiting is returned by {@code accept()} itself, as a completed {@code Future}, with no
 * task; one not yet there completes the pending accept from an ordinary I/O event, and that pool
 * thread wakes this one. The same run then gives min 27, mean 37.9, max 60 (on a 2-core machine
 * shared with other builds, hence the low means).
 *
 * <p>Only one accept may be outstanding (a second throws {@code AcceptPendingException}): this
 * thread is the only one that accepts, so the connection limit cannot be overshot. When an accept
 * fails (out of file descriptors: {@code EMFILE}), the shared rule applies ({@link AcceptFailures}):
 * this thread pauses, 10 ms doubling to 1 s, then tries again, logging once per episode;
 * established connections are served throughout, since only this thread waits. Retrying at once
 * would fail again at once, for as long as descriptors stay short: a spin.
 */
final class Acceptor implements Runnable {

    private final ProactorServer server;
    private final AcceptFailures failures; // this thread only

    Acceptor(ProactorServer server, AcceptFailures failures) {
        this.server = server;
        this.failures = failures;
    }

    @Override
    public void run() {
        while (!server.isClosing()) {
            // 1. Ask for the next connection and wait for it: a connection already in the backlog
            //    comes back at once; otherwise a pool thread completes the accept when epoll says
            //    the listener is readable. close() closes the listener, which fails the wait.
            AsynchronousSocketChannel channel;
            try {
                channel = server.listener().accept().get();
            } catch (ExecutionException e) {
                if (!accepting(e.getCause())) {
                    return;
                }
                continue;
            } catch (ShutdownChannelGroupException e) {
                return; // the group is shutting down: the server is closing
            } catch (InterruptedException e) {
                continue; // close() interrupts to end a pause or a wait early; the loop checks
            }
            failures.accepted(); // ends an out-of-descriptors episode, if one was on
            Trace.accept(Trace.connectionId(channel));
            admit(channel);
        }
    }

    /** An accept failed: false when accepting is over, else true after the rule's pause. */
    private boolean accepting(Throwable cause) {
        if (cause instanceof AsynchronousCloseException || cause instanceof ClosedChannelException || server.isClosing()) {
            return false; // close() closed the listener
        }
        if (!(cause instanceof IOException)) {
            server.unexpected("accept", cause);
        }
        Duration pause = failures.failed(cause instanceof IOException io ? io : new IOException(cause));
        LockSupport.parkNanos(pause.toNanos()); // close() unparks (interrupts) it early
        return !server.isClosing();
    }

    // tag::accept-completion[]
    /** A connection has been accepted: admit it, or reject it over the limit. */
    private void admit(AsynchronousSocketChannel channel) {
        // 1. Over the limit: close at once and count it. Only this thread opens connections, so
        //    the open count cannot overshoot the limit.
        ServerStats stats = server.stats();
        if (stats.getConnectionsOpen() >= server.config().maxConnections()) {
            stats.connectionRejected();
            closeQuietly(channel);
            return;
        }
        // 2. Admit it: the connection starts out holding its read turn (see Connection), so that
        //    a close() arriving now will wait for (and wake) the first read instead of racing it.
        Connection connection = null;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // replies go out at once
            connection = new Connection(server, channel);
        } catch (IOException e) {
            closeQuietly(channel); // the peer is already gone
        }
        boolean admitted = connection != null && server.register(connection); // counts it as opened
        if (connection != null && !admitted) {
            closeQuietly(channel); // the server started closing meanwhile
        }
        // 3. Start the connection's first read: from here on its completions drive it, on the
        //    pool. Started from this thread (not the pool's), the read is never tried at once:
        //    it waits for epoll, like every other read.
        if (admitted) {
            connection.startReading();
        }
    }
    // end::accept-completion[]

    private static void closeQuietly(AsynchronousSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket we no longer want: nothing to do about a failure
        }
    }
}
