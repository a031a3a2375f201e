package dev.reactorworkbench.proactoraio;

import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.time.Duration;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.ShutdownChannelGroupException;

/**
 * The Acceptor, as a completion handler: it is told "a connection <em>has been</em> accepted",
 * where a reactor's Acceptor is told "a connection can be accepted" and calls accept() itself.
 * One accept is outstanding at a time (a second would throw {@code AcceptPendingException}), so
 * accept completions never overlap: each one admits or rejects its connection, then starts the
 * next accept. Stateless, so one instance serves every server; the server is the attachment.
 *
 * <p>When an accept fails (out of file descriptors: {@code EMFILE}), the shared rule applies
 * ({@link dev.reactorworkbench.echoprotocol.server.AcceptFailures}): no accept is outstanding for a
 * pause of 10 ms doubling to 1 s, then the next one starts from the server's pause timer; one log
 * line per episode. Starting the next accept at once instead would fail again at once, on a pool
 * thread, for as long as descriptors stay short: a spin. Established connections are served
 * throughout, since only the accept waits.
 */
final class Acceptor implements CompletionHandler<AsynchronousSocketChannel, ProactorServer> {

    private static final Acceptor INSTANCE = new Acceptor();

    private Acceptor() {
    }

    /** Starts the one outstanding accept; its completion runs on a pool thread, maybe this one. */
    static void acceptNext(ProactorServer server) {
        try {
            server.listener().accept(server, INSTANCE);
        } catch (ShutdownChannelGroupException e) {
            // the group is shutting down: the server is closing, nothing more to accept
        } catch (RuntimeException e) {
            server.unexpected("starting an accept", e); // AcceptPendingException would be a bug here
        }
    }

    // tag::accept-completion[]
    @Override
    public void completed(AsynchronousSocketChannel channel, ProactorServer server) {
        server.acceptFailures().accepted(); // ends an out-of-descriptors episode, if one was on
        // 1. Over the limit: close at once and count it. Accept completions run one at a time and
        //    only this one opens connections, so the open count cannot overshoot the limit.
        ServerStats stats = server.stats();
        if (stats.getConnectionsOpen() >= server.config().maxConnections()) {
            stats.connectionRejected();
            closeQuietly(channel);
            acceptNext(server);
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
        // 3. Ask for the next connection before serving this one, so accepting never waits on it.
        if (!server.isClosing()) {
            acceptNext(server);
        }
        // 4. Start the connection's first read: from here on its completions drive it.
        if (admitted) {
            connection.startReading();
        }
    }
    // end::accept-completion[]

    @Override
    public void failed(Throwable e, ProactorServer server) {
        if (e instanceof AsynchronousCloseException || e instanceof ClosedChannelException || server.isClosing()) {
            return; // close() closed the listener: accepting is over
        }
        // Anything else (e.g. "too many open files"): no accept for a while, then try again; the
        // connections already open are served meanwhile.
        IOException cause = e instanceof IOException io ? io : new IOException(e);
        if (!(e instanceof IOException)) {
            server.unexpected("accept", e);
        }
        Duration pause = server.acceptFailures().failed(cause);
        server.acceptAfter(pause);
    }

    private static void closeQuietly(AsynchronousSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket we no longer want: nothing to do about a failure
        }
    }
}
