package dev.reactorworkbench.threadperconnection;

import dev.reactorworkbench.servercore.trace.Trace;
import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.FrameDecoder;
import dev.reactorworkbench.echoprotocol.codec.CloseConnectionException;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.ReplyBuffer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * One connection and the thread that serves it for its whole life: read, decode, handle, write,
 * until the peer closes, resets, goes idle or breaks the protocol, or the server closes.
 *
 * <p>Backpressure comes for free: while this thread is blocked in {@code write()} because the peer
 * does not read its replies, it is not reading either, so a peer that never reads fills the socket
 * buffers and then simply stops being served. The server never holds more than one read's worth of
 * replies per connection.
 */
final class Connection implements Runnable {

    /**
     * Bytes read per {@code read()}. Modest on purpose: per-connection memory is what limits this
     * model at 10,000 connections (10,000 x 8 KiB = 80 MiB of read buffers alone, on top of every
     * thread's stack), and a larger buffer does not make a blocking read return sooner.
     */
    static final int READ_BUFFER_SIZE = 8 * 1024;

    // The socket is used by this connection's thread; close() may shut down its input or close it
    // from another thread, which java.net.Socket allows.
    private final Socket socket;
    private final ServerStats stats;
    private final Codec codec;
    private final Handler handler;
    private final FrameDecoder decoder;              // connection thread only
    private final int idleTimeoutMillis;
    private final ReplyBuffer replies = new ReplyBuffer(); // connection thread only: the replies owed for one read, framed
    private int repliesOwed;                              // connection thread only: how many replies are in it
    private final long traceId; // the client's port: what the trace events call this connection
    private long requests;      // connection thread only: frames handled, the trace's request sequence
    private Thread thread; // set by the acceptor before start(); read by close() after joining the acceptor

    Connection(Socket socket, ServerConfig config, ServerStats stats) {
        this.socket = socket;
        this.stats = stats;
        this.codec = config.codec();
        this.handler = config.handler();
        this.decoder = config.codec().newDecoder(config.maxFrameLength());
        this.traceId = Trace.connectionId(socket);
        long idle = config.idleTimeout().toMillis();
        // SO_TIMEOUT 0 means "block for ever", which is exactly "idle timeout disabled".
        this.idleTimeoutMillis = config.idleTimeout().isZero() ? 0 : (int) Math.max(1, Math.min(idle, Integer.MAX_VALUE));
    }

    /** Starts this connection's thread (called by the acceptor). */
    void start(ThreadFactory threads) {
        thread = threads.newThread(this);
        try {
            thread.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            // No thread, no connection ("unable to create native thread" is an OutOfMemoryError).
            closeQuietly(socket);
            stats.connectionClosed();
            throw e;
        }
    }

    @Override
    public void run() {
        try (socket) {
            serve();
        } catch (IOException e) {
            // The peer reset the connection, or close() closed it hard: nobody is left to tell.
        } finally {
            stats.connectionClosed(); // exactly once per opened connection, whatever ended it
        }
    }

    // tag::loop[]
    private void serve() throws IOException {
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(idleTimeoutMillis);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        byte[] buffer = new byte[READ_BUFFER_SIZE];
        while (true) {
            // 1. Block until bytes arrive. EOF: the peer half-closed, or close() shut our input down.
            //    On a virtual thread nothing blocks a kernel thread here: when the socket would block
            //    (EAGAIN) the JDK parks the virtual thread, and its epoll poller unparks it when ready.
            int n;
            Trace.Step wait = Trace.beginWait();
            try {
                n = in.read(buffer);
            } catch (SocketTimeoutException e) {
                stats.idleClose(); // nothing arrived for a whole idle timeout
                return;
            }
            Trace.end(wait, traceId, 0, 0, 0, "blocking read");
            Trace.readCompleted(traceId, Math.max(n, 0));
            if (n < 0) {
                return;
            }
            stats.bytesIn(n);
            // 2. Decode every complete frame in what arrived, handle it, keep its reply.
            Trace.Step decode = Trace.beginDecode();
            long before = requests;
            try {
                decoder.decode(ByteBuffer.wrap(buffer, 0, n), this::handle);
                Trace.end(decode, traceId, requests, n, (int) (requests - before), null);
            } catch (CloseConnectionException e) {
                // The decoder ended the conversation: count a protocol error, write the replies
                // still owed for the frames before it, then the farewell (if any), then close.
                if (e.protocolError()) {
                    stats.protocolError();
                }
                writeReplies(out);
                byte[] farewell = e.farewell();
                if (farewell.length > 0) {
                    out.write(farewell);
                    stats.bytesOut(farewell.length);
                }
                return; // closes this connection only
            }
            // 3. Write the replies of this read in one write. It blocks while the peer is not
            //    reading, and a blocked writer is not reading either: that is the backpressure.
            writeReplies(out);
        }
    }

    private void handle(ByteBuffer frame) {
        stats.messageIn();
        // The frame is a view of this connection's read buffer; the reply goes, framed, straight
        // into the buffer of this read's replies, which step 3 writes in one call.
        replies.beginReply(codec);
        try {
            Trace.handle(handler, frame, replies, traceId, ++requests);
        } catch (RuntimeException e) {
            replies.abortReply();
            throw e;
        }
        replies.endReply(codec);
        repliesOwed++;
    }
    // end::loop[]

    private void writeReplies(OutputStream out) throws IOException {
        int count = repliesOwed;
        if (count == 0) {
            return;
        }
        int length = replies.size();
        // The kit checks this gauge: it never exceeds one read's worth of replies per connection.
        stats.outboundPending(length);
        Trace.Step write = Trace.beginWrite();
        try {
            out.write(replies.array(), 0, length);
        } finally {
            stats.outboundPending(-length);
            replies.clear();
            repliesOwed = 0;
        }
        Trace.end(write, traceId, requests, length, count, null);
        stats.bytesOut(length);
        for (int i = 0; i < count; i++) {
            stats.messageOut();
        }
    }

    /** close() step: a read blocked now, or any later read, sees EOF. */
    void shutdownInput() {
        try {
            socket.shutdownInput();
        } catch (IOException e) {
            // Already closed by its own thread: nothing to stop.
        }
    }

    /** close() step for a thread stuck writing to a peer that does not read: reset the connection. */
    void abort() {
        try {
            socket.setSoLinger(true, 0); // close with RST, dropping unsent bytes
        } catch (IOException e) {
            // Already closed: the close below is then a no-op.
        }
        closeQuietly(socket);
    }

    boolean hasEnded() {
        return !thread.isAlive();
    }

    Thread thread() {
        return thread;
    }

    /** Waits for this connection's thread until the deadline; true if it has ended. */
    boolean join(long deadlineNanos) {
        return joinUntil(thread, deadlineNanos);
    }

    static boolean joinUntil(Thread thread, long deadlineNanos) {
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true; // finish closing first, then restore the flag
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // Closing is best effort: the descriptor is released either way.
        }
    }
}
