package dev.reactorworkbench.proactoraio;

import dev.reactorworkbench.servercore.trace.Trace;
import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.FrameDecoder;
import dev.reactorworkbench.echoprotocol.codec.CloseConnectionException;
import dev.reactorworkbench.servercore.nio.OutboundQueue;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.ReplyBuffer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.ShutdownChannelGroupException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One accepted connection, driven by two completion handlers: {@link ReadCompletionHandler}
 * ("these bytes have been read into your buffer") and {@link WriteCompletionHandler} ("this many
 * bytes have been written"). Both are stateless singletons; the connection is the attachment.
 *
 * <h2>Turns</h2>
 * The API allows one outstanding read and one outstanding write per channel (a second throws
 * {@code ReadPendingException} / {@code WritePendingException}). So each direction is a turn that
 * exactly one party holds:
 * <ul>
 *   <li>The <b>read turn</b> ({@code reading}): the Acceptor holds it first and starts the first
 *       read; each read completion starts the next read, unless it must stop: then it gives the
 *       turn up, either for good (end of input) or by pausing for backpressure
 *       ({@code readPaused}), in which case the write completion that drains the queue to the low
 *       water mark takes the turn and starts the next read.</li>
 *   <li>The <b>write turn</b> ({@code writing}): whoever finds replies queued and no write
 *       outstanding takes it (the read completion); from then on only the write completion starts
 *       the next write, until the queue is empty and it gives the turn up.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Any pool thread may run any completion of this connection. Two completions of the <em>same</em>
 * direction never overlap, because the next operation is started only by the holder of that turn,
 * at the end of its work; and the JDK hands an operation from the thread that starts it to the
 * thread that completes it through its own locks and queues, so everything the starter did before
 * {@code read()} happens-before that read's completion. A read completion and a write completion
 * <em>can</em> run at the same time, on two threads: the read completion adds replies while the
 * write completion accounts written bytes. What they share (the queue and the flags) is guarded by
 * this connection's monitor. What only the read turn touches (decoder, read buffer) needs no lock:
 * when the turn changes hands it goes through the monitor (one thread's unlock happens-before the
 * next one's lock). The handler runs outside the monitor, so a slow handler never delays this
 * connection's write completion.
 *
 * <p>Never start I/O while holding the monitor: on a pool thread the JDK may run the completion
 * handler inside {@code read()} or {@code write()} itself, and Java monitors are reentrant, so the
 * handler would barge into the middle of our critical section. Each critical section decides; the
 * I/O starts after it.
 *
 * <h2>Idle timeout and backpressure</h2>
 * The idle timeout is the read timeout: a read outstanding that long without a byte arriving
 * fails with {@link InterruptedByTimeoutException}; the connection is closed and counted. A
 * connection paused for backpressure has no read outstanding, so no timer runs: its peer is not
 * silent, it is slow to take its replies, and it costs at most the high water mark of queued bytes
 * (plus the replies to one read). It is read, and timed, again once it takes them.
 * NOTE: hence a peer that never reads keeps its connection (with bounded memory) until it goes
 * away or the server closes; a write timeout would close it, and is left out.
 *
 * <p>NOTE: the read buffer is a real cost of the proactor model. A read is started <em>before</em>
 * the data exists, so its destination must exist before the data does: every connection with a
 * read outstanding holds its own {@value #READ_BUFFER_SIZE}-byte buffer, and an idle connection
 * always has one outstanding. 10,000 idle connections hold 80 MiB here; a reactor reads only when
 * data is there, into one buffer shared by every connection on its thread. Pooling the buffers
 * would not shrink that (every live connection has a read outstanding, except those paused), so
 * there is no pool. Windows servers avoid the cost with a zero-byte read (allocate only once it
 * completes); NIO.2 completes a read into a buffer with no room at once, with 0, without waiting
 * for data, so that trick is not available here. The buffer is a heap buffer: the JDK copies
 * through a temporary direct buffer of its own during each {@code read(2)}.
 */
final class Connection {

    /** Bytes per read: the destination the JDK fills once the socket is readable. */
    static final int READ_BUFFER_SIZE = 8 * 1024;

    private static final ReadCompletionHandler READ_COMPLETED = new ReadCompletionHandler();
    private static final WriteCompletionHandler WRITE_COMPLETED = new WriteCompletionHandler();

    private final ProactorServer server;
    private final AsynchronousSocketChannel channel;
    private final ServerStats stats;
    private final Codec codec;
    private final Handler handler;
    private final long idleTimeoutNanos; // 0: reads without a timeout
    private final long traceId;          // the client's port: what the trace events call this connection

    // Read turn only: touched by whichever thread holds the read turn, handed over via the monitor.
    private final FrameDecoder decoder;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);
    private final ReplyBuffer scratch = new ReplyBuffer(); // the reply being computed, before it is queued
    private long requests; // frames handled so far: the trace's sequence number of the latest request

    // Shared by the read and write completions, which may run at once: guarded by `this`.
    private final OutboundQueue outbound;
    private boolean reading = true; // the read turn is held (a read outstanding or its completion running)
    private boolean readPaused;     // above the high water mark: no read outstanding, a write completion resumes
    private boolean writing;        // the write turn is held (a write outstanding or its completion running)
    private boolean inputDone;      // no more reads (peer half-closed, or server closing): close once flushed
    private boolean closed;

    Connection(ProactorServer server, AsynchronousSocketChannel channel) {
        ServerConfig config = server.config();
        this.server = server;
        this.channel = channel;
        this.stats = server.stats();
        this.codec = config.codec();
        this.handler = config.handler();
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        this.decoder = codec.newDecoder(config.maxFrameLength());
        this.traceId = Trace.connectionId(channel);
        this.outbound = new OutboundQueue(config.writeLowWaterMark(), config.writeHighWaterMark(), stats);
    }

    /** Called once by the Acceptor, which holds the first read turn. */
    void startReading() {
        read();
    }

    // tag::read-completion[]
    private void onRead(int n) {
        byte[] farewell = null; // set when the input ended the conversation (CloseConnectionException)
        if (n > 0) {
            // 1. Decode what arrived and run the handler on this completion thread; each reply
            //    joins the write queue. Input that ends the conversation (bad input, or a request
            //    to close) stops the reading: the replies owed for the frames before it still go
            //    out, then its farewell (if any), then the connection closes. Only this connection.
            stats.bytesIn(n);
            Trace.readCompleted(traceId, n);
            readBuffer.flip();
            Trace.Step decode = Trace.beginDecode();
            long before = requests;
            try {
                decoder.decode(readBuffer, this::handleFrame);
                Trace.end(decode, traceId, requests, n, (int) (requests - before), null);
            } catch (CloseConnectionException e) {
                if (e.protocolError()) {
                    stats.protocolError();
                }
                farewell = e.farewell();
            } finally {
                readBuffer.clear();
            }
        }
        // 2. Decide under the monitor: take the write turn if replies wait and no write is
        //    outstanding; keep the read turn, or pause above the high water mark, or give it up
        //    for good at end of input (n < 0: the peer half-closed; or the conversation ended:
        //    answer what was asked, then close).
        ByteBuffer[] batch = null;
        boolean readOn;
        boolean paused = false;
        boolean finished;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (n < 0 || farewell != null) {
                inputDone = true;
            }
            if (farewell != null && farewell.length > 0) {
                outbound.add(ByteBuffer.wrap(farewell)); // after every reply owed, before the close
            }
            if (!writing && !outbound.isEmpty()) {
                writing = true;
                batch = outbound.nextBatch();
            }
            if (!inputDone && outbound.isAboveHighWater()) {
                readPaused = true; // a write is outstanding: its completion will resume us
                paused = true;
            }
            reading = !inputDone && !readPaused;
            readOn = reading;
            finished = inputDone && !writing;
        }
        // 3. Act after the monitor: start the write, the next read, or close.
        if (batch != null) {
            write(batch);
        }
        if (readOn) {
            read();
        } else if (paused) {
            server.readPaused();
        }
        if (finished) {
            close();
        }
    }
    // end::read-completion[]

    private void handleFrame(ByteBuffer frame) {
        stats.messageIn();
        // The frame is a view of this connection's read buffer; the handler writes the reply,
        // framed, into a buffer the read turn reuses.
        scratch.beginReply(codec);
        try {
            Trace.handle(handler, frame, scratch, traceId, ++requests);
        } catch (RuntimeException e) {
            scratch.abortReply();
            throw e;
        }
        scratch.endReply(codec);
        // NOTE: the operating system holds each buffer of a write until it completes, and this read
        // completion may run meanwhile: appending to a buffer in flight would race with it, so each
        // reply gets a buffer of its own here (an array per reply), where the reactors append
        // replies to pooled buffers that only their own thread writes.
        ByteBuffer reply = ByteBuffer.wrap(Arrays.copyOf(scratch.array(), scratch.size()));
        scratch.clear();
        synchronized (this) {
            if (closed) {
                return;
            }
            outbound.add(reply);
        }
        stats.messageOut();
    }

    private void onReadFailed(Throwable e) {
        if (e instanceof InterruptedByTimeoutException) {
            closeIdle(); // silent for the whole idle timeout
            return;
        }
        if (!(e instanceof IOException)) {
            server.unexpected("read", e);
        }
        close(); // reset by the peer, or we closed the channel ourselves (AsynchronousCloseException)
    }

    // tag::write-completion[]
    private void onWritten(long n) {
        Trace.writeCompleted(traceId, n);
        ByteBuffer[] next = null;
        boolean resumeReading = false;
        boolean finished;
        synchronized (this) {
            if (closed) {
                return; // the queue was discarded on close: nothing left to account
            }
            // 1. Account the bytes written; after a partial write the rest stays at the head.
            outbound.written(n);
            // 2. Keep the write turn while anything is queued: the rest of a partial write, or
            //    replies the read completion added meanwhile. Give it up when the queue is empty.
            if (outbound.isEmpty()) {
                writing = false;
            } else {
                next = outbound.nextBatch();
            }
            // 3. Backpressure: reading paused above the high water mark resumes once the queue is
            //    down to the low water mark, and this completion takes the read turn to do it.
            if (readPaused && !outbound.isAboveHighWater()) {
                readPaused = false;
                if (!inputDone) {
                    reading = true;
                    resumeReading = true;
                }
            }
            finished = inputDone && !reading && !writing;
        }
        // 4. Act after the monitor.
        if (next != null) {
            write(next);
        }
        if (resumeReading) {
            read();
        }
        if (finished) {
            close();
        }
    }
    // end::write-completion[]

    private void onWriteFailed(Throwable e) {
        if (!(e instanceof IOException)) {
            server.unexpected("write", e);
        }
        close(); // the peer reset or vanished, or we closed the channel ourselves
    }

    /** Starts a read; only the holder of the read turn calls this. */
    private void read() {
        try {
            channel.read(readBuffer, idleTimeoutNanos, TimeUnit.NANOSECONDS, this, READ_COMPLETED);
        } catch (ShutdownChannelGroupException e) {
            close(); // only after shutdownNow(), which has closed the channel already
        } catch (RuntimeException e) {
            server.unexpected("starting a read", e); // ReadPendingException: the turns above are broken
            close();
        }
    }

    /** Starts a gathering write of {@code batch}; only the holder of the write turn calls this. */
    private void write(ByteBuffer[] batch) {
        try {
            channel.write(batch, 0, batch.length, 0L, TimeUnit.NANOSECONDS, this, WRITE_COMPLETED);
        } catch (ShutdownChannelGroupException e) {
            close();
        } catch (RuntimeException e) {
            server.unexpected("starting a write", e); // WritePendingException: the turns above are broken
            close();
        }
    }

    /**
     * Graceful close, called by the closing server: read no more, close once the replies owed for
     * what was read are written. Any thread.
     */
    void drain() {
        boolean wakeReader;
        boolean finished;
        synchronized (this) {
            if (closed || inputDone) {
                return; // already on its way out
            }
            inputDone = true;
            wakeReader = reading;
            finished = !reading && !writing;
        }
        if (wakeReader) {
            // The outstanding read would wait for the peer (maybe forever): shutting the input
            // down completes it, with the bytes already received or with end of input, and its
            // completion sees inputDone. A read started after this completes at once with -1.
            try {
                channel.shutdownInput();
            } catch (IOException e) {
                close(); // closed or reset meanwhile
            }
        }
        if (finished) {
            close();
        }
    }

    /** Closes at once, dropping unwritten replies. Any thread; only the first call counts. */
    void close() {
        if (markClosed()) {
            release();
        }
    }

    private void closeIdle() {
        if (markClosed()) {
            stats.idleClose();
            release();
        }
    }

    private synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        outbound.discard(); // an outstanding write fails once the channel is closed
        return true;
    }

    private void release() {
        stats.connectionClosed();
        try {
            channel.close(); // fails whatever is outstanding with AsynchronousCloseException
        } catch (IOException ignored) {
            // the socket is gone either way
        }
        server.unregister(this);
    }

    /**
     * "Bytes have been read" (or end of input, -1), or the read failed or timed out. An exception
     * escaping a completion handler would kill its pool thread (the JDK starts a replacement), so
     * none may escape: a surprise closes this connection and is counted.
     */
    private static final class ReadCompletionHandler implements CompletionHandler<Integer, Connection> {
        @Override
        public void completed(Integer n, Connection c) {
            try {
                c.onRead(n);
            } catch (RuntimeException e) {
                c.server.unexpected("read completion (handler or codec)", e);
                c.close();
            }
        }

        @Override
        public void failed(Throwable e, Connection c) {
            c.onReadFailed(e);
        }
    }

    /** "This many bytes have been written" (maybe fewer than offered), or the write failed. */
    private static final class WriteCompletionHandler implements CompletionHandler<Long, Connection> {
        @Override
        public void completed(Long n, Connection c) {
            try {
                c.onWritten(n);
            } catch (RuntimeException e) {
                c.server.unexpected("write completion", e);
                c.close();
            }
        }

        @Override
        public void failed(Throwable e, Connection c) {
            c.onWriteFailed(e);
        }
    }
}
