package dev.reactorworkbench.servercore.loop;

import dev.reactorworkbench.echoprotocol.codec.CloseConnectionException;
import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.FrameDecoder;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.servercore.nio.OutboundQueue;
import dev.reactorworkbench.servercore.nio.TimerWheel;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.servercore.lifecycle.ServerLog;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import dev.reactorworkbench.servercore.trace.Trace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Doug Lea's Handler, the part every loop-based model shares: one connection's socket, decoder,
 * outbound queue, water marks, half-close and idle timer, and what happens when the socket is
 * ready. It knows no model: what is done with a frame is the {@link FrameProcessor} the model
 * made for this connection, and the model's own per-connection state lives there.
 *
 * <p>Threads: everything runs on the owning loop's thread, with one exception made for Redis 6's
 * I/O threads: {@link #readAndDecode} and {@link #write()} may run on another thread while the
 * loop thread waits for it (a phase), as long as the loop hands the connection over and back
 * with a happens-before edge (the I/O threads' volatile pending count). Those two touch only the
 * socket, the decoder, the outbound queue and the phase results below, never the key or the loop.
 *
 * <p>Memory: between frames an idle connection holds this object, its decoder's few fields, an
 * empty outbound queue and one timer entry, but no buffer: reads go into the loop's shared one,
 * and replies into buffers from the loop's pool, given back once written.
 *
 * <p>Copies: a frame that arrived whole is lent to the handler as a read-only view of the shared
 * read buffer (no copy), and the handler writes its reply into the pooled outbound buffers (one
 * copy, for echo); the socket is written from those. See {@link #handle}.
 */
public final class Connection implements IoHandle {

    private static final System.Logger LOG = ServerLog.logger(Connection.class);

    /** Most bytes read from one connection in one turn of the loop: the fairness budget. */
    public static final int READ_BUDGET = 256 * 1024;

    private final EventLoop loop;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final FrameDecoder decoder;
    private final OutboundQueue outbound;
    private final Codec codec;
    private final ServerStats stats;
    private final int highWaterMark;
    private final int lowWaterMark;
    private final FrameProcessor processor;
    private final Consumer<ByteBuffer> processNow = this::process;
    private final Runnable onClose;
    private final long traceId; // the client's port: what the trace events call this connection

    // Phase results: set by whichever thread read or wrote (the loop, or an I/O thread in a
    // phase), settled by the loop thread in afterRead() / afterWrite().
    private long bytesMoved;                      // read or written since the last settle, for the idle check
    private boolean inputEnded;                   // read returned -1: the peer half-closed
    private CloseConnectionException closeAsked;  // the decoder ended the conversation
    private Throwable failure;                    // reset, broken pipe, or a failing handler
    private ArrayList<byte[]> postponed;          // frames decoded on an I/O thread (copies), not yet processed
    private Consumer<ByteBuffer> keepForLater;    // copies each frame into postponed; made with it

    // All loop thread only.
    private int interestOps = SelectionKey.OP_READ;
    private long owedBytes;         // replies owed but not yet queued here (e.g. frames with a worker)
    private boolean readPaused;     // backpressure: owes more than the high water mark
    private boolean readSuspended;  // backpressure asked by the model (e.g. its worker queue is full)
    private boolean writeBlocked;   // the socket buffer was full at the last write: OP_WRITE is on
    private boolean inputClosed;    // peer half-closed, the decoder ended it, or the loop is draining
    private boolean writeQueued;    // already in the loop's list of connections to write this turn
    private byte[] farewell;        // written last, once nothing else is owed, then close
    private boolean closed;
    private long lastActivityNanos;
    private TimerWheel.Timeout idleTimer;
    private long requests;          // frames processed so far: the sequence number of the latest request

    /**
     * Registers {@code channel} for reading on {@code loop}. Loop thread.
     *
     * @param processors makes the model's processor for this connection
     * @param onClose    run once when the connection closes (the model counts it)
     */
    public Connection(EventLoop loop, SocketChannel channel, ServerConfig config, ServerStats stats,
                      Function<Connection, FrameProcessor> processors, Runnable onClose) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.codec = config.codec();
        this.decoder = codec.newDecoder(config.maxFrameLength());
        this.outbound = new OutboundQueue(config.writeLowWaterMark(), config.writeHighWaterMark(), stats, loop.bufferPool());
        this.stats = stats;
        this.highWaterMark = config.writeHighWaterMark();
        this.lowWaterMark = config.writeLowWaterMark();
        this.onClose = onClose;
        this.traceId = Trace.connectionId(channel);
        this.lastActivityNanos = loop.now();
        this.processor = processors.apply(this); // before registering: no key without its processor
        this.key = loop.register(channel, SelectionKey.OP_READ, this);
        long idleNanos = config.idleTimeout().toNanos();
        if (idleNanos > 0) {
            idleTimer = loop.timers().schedule(lastActivityNanos + idleNanos, () -> onIdleTimer(idleNanos));
        }
    }

    /** The loop that owns this connection; replies computed elsewhere come back through it. */
    public EventLoop loop() {
        return loop;
    }

    /** The id the trace events give this connection (its client's port). */
    public long traceId() {
        return traceId;
    }

    /**
     * The sequence number of the request being processed, from 1: the frames processed so far.
     * Loop thread.
     */
    public long requests() {
        return requests;
    }

    // tag::on-ready[]
    @Override
    public void onReady(int readyOps) {
        if ((readyOps & SelectionKey.OP_WRITE) != 0) {
            flush();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && !closed) {
            onReadable();
        }
    }
    // end::on-ready[]

    // tag::read[]
    /** The socket is readable: read up to the budget, decode, and process every complete frame. */
    private void onReadable() {
        if (processor.postponeRead()) {
            return; // Redis 6: an I/O thread reads it before the loop sleeps
        }
        readAndDecode(loop.readBuffer(), loop.readView(), READ_BUDGET, processNow);
        afterRead();
    }

    /**
     * Reads up to {@code budget} bytes into {@code buffer} (one read at a time, shared by many
     * connections) and passes each complete frame to {@code frames}, decoded from {@code view}
     * (the buffer's read-only twin, so the frames lent out are read-only; null to decode the
     * buffer itself). On the loop thread, or on an I/O thread during a read phase: it touches the
     * socket, the decoder and the phase results only.
     */
    private void readAndDecode(ByteBuffer buffer, ByteBuffer view, int budget, Consumer<ByteBuffer> frames) {
        try {
            while (budget > 0 && !readPaused && !readSuspended && !inputClosed && !closed && failure == null) {
                buffer.clear().limit(Math.min(buffer.capacity(), budget));
                int asked = buffer.remaining();
                Trace.Step read = Trace.beginRead();
                int n = channel.read(buffer);
                Trace.end(read, traceId, 0, Math.max(n, 0), 0, null);
                if (n < 0) {
                    inputEnded = true; // <1>
                    return;
                }
                if (n == 0) {
                    return;
                }
                budget -= n;
                bytesMoved += n;
                stats.bytesIn(n);
                buffer.flip();
                ByteBuffer in = view == null ? buffer : view.limit(n).position(0);
                // Each whole frame is lent as a view and processed before the next read; the
                // decoder copies only an unfinished frame's bytes: the shared buffer is free again.
                Trace.Step decode = Trace.beginDecode();
                long framesBefore = framesDecoded();
                decoder.decode(in, frames); // <2>
                Trace.end(decode, traceId, requests, n, (int) (framesDecoded() - framesBefore), null);
                if (n < asked) {
                    return; // a short read: the socket has nothing more right now
                }
            }
        } catch (CloseConnectionException e) {
            closeAsked = e; // <3>
        } catch (IOException | RuntimeException e) {
            failure = e;    // reset by peer, or a failing handler
        }
    }

    /** Loop thread, after {@link #readAndDecode} and after the model processed what it decoded. */
    public void afterRead() {
        if (closed) {
            return;
        }
        noteActivity();
        if (failure != null) {
            if (!(failure instanceof IOException)) {
                // A failing handler is a bug in the handler: close this connection, keep the loop alive.
                LOG.log(System.Logger.Level.WARNING, "handler failed; closing the connection", failure);
            }
            close();
        } else if (closeAsked != null) {
            // The contract of CloseConnectionException: stop reading, count a protocol error, write
            // every reply still owed, then the farewell, then close.
            if (closeAsked.protocolError()) {
                stats.protocolError();
            }
            byte[] last = closeAsked.farewell();
            farewell = last.length == 0 ? null : last;
            closeAsked = null;
            endInput();
        } else if (inputEnded) {
            endInput(); // the peer half-closed: it still gets every reply it is owed
        } else {
            updateInterest(); // <4>
        }
    }
    // end::read[]

    /** Frames decoded so far, processed or kept for later: for the Decode event's count. */
    private long framesDecoded() {
        return requests + (postponed == null ? 0 : postponed.size());
    }

    private void process(ByteBuffer frame) {
        requests++;
        stats.messageIn();
        processor.process(frame);
    }

    /**
     * The postponed read (Redis 6's I/O threads): reads and decodes like a read on the loop, but
     * keeps the frames instead of processing them. They outlive the read buffer, so they are
     * copies (Redis, too, keeps each client's query buffer). On an I/O thread during a read phase
     * (or on the loop thread); {@link #processPostponed()} follows on the loop thread.
     */
    public void readPostponed(ByteBuffer buffer, int budget) {
        if (postponed == null) {
            postponed = new ArrayList<>();
            keepForLater = frame -> postponed.add(Handler.copyOf(frame));
        }
        readAndDecode(buffer, null, budget, keepForLater);
    }

    /** Loop thread, after {@link #readPostponed}: processes the kept frames in order, then settles the read. */
    public void processPostponed() {
        if (postponed != null) {
            try {
                for (int i = 0; i < postponed.size() && !closed && failure == null; i++) {
                    process(ByteBuffer.wrap(postponed.get(i)).asReadOnlyBuffer());
                }
            } catch (RuntimeException e) {
                failure = e; // a failing handler: afterRead() closes this connection
            }
            postponed.clear();
        }
        afterRead();
    }

    // tag::send[]
    /**
     * Runs {@code handler} on {@code frame} here, on the loop thread, with the reply written in
     * place: the codec's header is reserved in the outbound buffer, the handler writes the payload
     * right behind it (the echo handler copies the frame: the one copy), then the header is
     * filled in. The reply is written before the loop sleeps, together with every other reply
     * this connection got in the same turn (one gathering write), and only if the socket cannot
     * take it all does the connection ask for OP_WRITE.
     */
    public void handle(Handler handler, ByteBuffer frame) {
        if (closed) {
            return;
        }
        outbound.beginReply(codec);
        try {
            Trace.handle(handler, frame, outbound, traceId, requests);
        } catch (RuntimeException e) {
            outbound.abortReply(); // no half reply; the failure closes this connection (afterRead)
            throw e;
        }
        outbound.endReply(codec);
        replyQueued();
    }

    /**
     * Queues a reply computed elsewhere (on a worker, on Redis 8's main thread), copied into the
     * outbound buffer and framed like one written in place.
     */
    public void send(byte[] reply) {
        if (closed) {
            return; // the peer went away while the reply was being computed
        }
        outbound.beginReply(codec);
        outbound.write(reply);
        outbound.endReply(codec);
        replyQueued();
    }

    private void replyQueued() {
        stats.messageOut();
        queueWrite();
        updateInterest();
    }
    // end::send[]

    /**
     * {@code bytes} of replies are owed but not queued here yet (frames another thread works on):
     * they count towards the water marks, and a draining connection waits for them.
     */
    public void owe(int bytes) {
        owedBytes += bytes;
        stats.outboundPending(bytes);
        updateInterest();
    }

    /**
     * {@code bytes} owed with {@link #owe} are settled (their reply goes through {@link #send},
     * before or after this call; the close check waits for the end-of-turn write, so the order of
     * the two calls does not matter).
     */
    public void settled(int bytes) {
        if (closed) {
            return; // close() already gave every owed byte back to the stats
        }
        owedBytes -= bytes;
        stats.outboundPending(-bytes);
        updateInterest();
        queueWrite();
    }

    /**
     * Stops reading this connection, whatever its water marks say, until {@link #resumeReading()}:
     * for backpressure a model applies itself, e.g. when its worker queue is full. Frames already
     * read still reach the processor; none is dropped.
     */
    public void suspendReading() {
        readSuspended = true;
        if (!closed) {
            updateInterest();
        }
    }

    /** Undoes {@link #suspendReading()}; the water marks and a closed input still apply. */
    public void resumeReading() {
        readSuspended = false;
        if (!closed) {
            updateInterest();
        }
    }

    private void queueWrite() {
        if (!writeQueued) {
            writeQueued = true;
            loop.writeLater(this);
        }
    }

    // tag::flush[]
    /** Writes what is queued; before the loop sleeps, and when the socket becomes writable. Loop thread. */
    void flush() {
        writeQueued = false;
        if (!closed) {
            write();
            afterWrite();
        }
    }

    /**
     * Loop thread, for a model that writes the loop's pending connections itself: takes this
     * connection's queued write. False when it is closed, or its write was already taken (so a
     * connection listed twice is written by one thread only).
     */
    public boolean beginWrite() {
        if (!writeQueued) {
            return false;
        }
        writeQueued = false;
        return !closed;
    }

    /** Writes as much as the socket takes. On the loop thread, or an I/O thread in a write phase. */
    public void write() {
        long before = outbound.pendingBytes();
        int replies = outbound.queued();
        Trace.Step write = Trace.beginWrite();
        try {
            writeBlocked = !outbound.flushTo(channel); // true: the socket buffer is full
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        Trace.end(write, traceId, requests, before - outbound.pendingBytes(), replies, null);
        bytesMoved += before - outbound.pendingBytes();
    }

    /** Loop thread, after {@link #write()}: the interest ops, then close if nothing more is owed. */
    public void afterWrite() {
        if (closed) {
            return;
        }
        if (failure != null) {
            close();
            return;
        }
        noteActivity();
        updateInterest();
        closeIfDone();
    }
    // end::flush[]

    // tag::interest[]
    /** Sets OP_READ and OP_WRITE from the state: the water marks, a full socket buffer, a closed input. */
    private void updateInterest() {
        long owed = outbound.pendingBytes() + owedBytes;
        if (!readPaused && owed > highWaterMark) {
            readPaused = true;   // stop reading a peer that does not read its replies
        } else if (readPaused && owed <= lowWaterMark) {
            readPaused = false;  // it caught up: read again
        }
        int ops = (readPaused || readSuspended || inputClosed ? 0 : SelectionKey.OP_READ)
                | (writeBlocked ? SelectionKey.OP_WRITE : 0);
        if (ops != interestOps && key.isValid()) {
            interestOps = ops;
            key.interestOps(ops);
        }
    }
    // end::interest[]

    private void noteActivity() {
        if (bytesMoved > 0) {
            lastActivityNanos = loop.now();
            bytesMoved = 0;
        }
    }

    /** Read no more (half-close, the decoder asked, or draining); close once every reply owed is out. */
    private void endInput() {
        inputClosed = true;
        updateInterest();
        closeIfDone();
    }

    /** The loop shuts down: read nothing more, close once every reply already owed is written. */
    @Override
    public void drain() {
        if (!closed) {
            endInput();
        }
    }

    private void closeIfDone() {
        if (!inputClosed || closed || owedBytes != 0 || !outbound.isEmpty() || writeQueued) {
            return;
        }
        if (farewell != null) {
            outbound.add(ByteBuffer.wrap(farewell)); // last of all, after every reply owed
            farewell = null;
            queueWrite();
            updateInterest();
        } else {
            close();
        }
    }

    /** Idle check, run by the loop's timer wheel: close if silent long enough, else look again later. */
    private void onIdleTimer(long idleTimeoutNanos) {
        if (closed) {
            return;
        }
        long idle = loop.now() - lastActivityNanos;
        if (idle >= idleTimeoutNanos) {
            stats.idleClose();
            close();
        } else {
            loop.timers().reschedule(idleTimer, lastActivityNanos + idleTimeoutNanos);
        }
    }

    /** Closes at once, dropping whatever is still queued. Idempotent. Loop thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        loop.deregister(key);
        EventLoop.closeQuietly(channel);
        outbound.discard();
        if (owedBytes != 0) {
            stats.outboundPending(-owedBytes); // the model settles them later; the gauge must not wait
            owedBytes = 0;
        }
        stats.connectionClosed();
        onClose.run();
    }

    public boolean isClosed() {
        return closed;
    }
}
