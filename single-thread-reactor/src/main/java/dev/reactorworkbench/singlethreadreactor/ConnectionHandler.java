package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.FrameDecoder;
import dev.reactorworkbench.echoprotocol.codec.CloseConnectionException;
import dev.reactorworkbench.echoprotocol.nio.OutboundQueue;
import dev.reactorworkbench.echoprotocol.nio.TimerWheel;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Doug Lea's Handler: the state of one connection and what happens when its socket is ready.
 * Everything here runs on the owning reactor's thread, so no field needs a lock; other threads
 * reach a connection only through {@link Reactor#execute(Runnable)}.
 *
 * <p>Memory: between frames an idle connection holds this object, its decoder's few fields, an
 * empty outbound queue and one timer entry, but no buffer (reads go into the reactor's shared one).
 */
public final class ConnectionHandler {

    private static final System.Logger LOG = System.getLogger(ConnectionHandler.class.getName());

    /** Most bytes read from one connection in one turn of the loop: the fairness budget. */
    static final int READ_BUDGET = 256 * 1024;

    private final Reactor reactor;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final FrameDecoder decoder;
    private final OutboundQueue outbound;
    private final Codec codec;
    private final FrameProcessor processor;
    private final ServerStats stats;
    private final int highWaterMark;
    private final int lowWaterMark;
    private final Consumer<byte[]> onFrame = this::onFrame;

    // All reactor thread only.
    private int interestOps = SelectionKey.OP_READ;
    private long inFlightBytes;     // frames handed to another thread whose replies have not come back
    private boolean readPaused;     // backpressure: owes more than the high water mark
    private boolean readSuspended;  // backpressure asked by the model (e.g. its worker queue is full)
    private boolean writeBlocked;   // the socket buffer was full at the last flush: OP_WRITE is on
    private boolean inputClosed;    // peer half-closed, or the server is draining: read no more
    private boolean flushQueued;    // already in the reactor's list of connections to flush this turn
    private boolean closed;
    private long lastActivityNanos;
    private TimerWheel.Timeout idleTimer;
    private Object attachment;      // whatever the model's FrameProcessor keeps per connection

    ConnectionHandler(Reactor reactor, SocketChannel channel, SelectionKey key, ServerConfig config, ServerStats stats,
                      FrameProcessor processor) {
        this.reactor = reactor;
        this.channel = channel;
        this.key = key;
        this.codec = config.codec();
        this.decoder = codec.newDecoder(config.maxFrameLength());
        this.outbound = new OutboundQueue(config.writeLowWaterMark(), config.writeHighWaterMark(), stats);
        this.processor = processor;
        this.stats = stats;
        this.highWaterMark = config.writeHighWaterMark();
        this.lowWaterMark = config.writeLowWaterMark();
        this.lastActivityNanos = reactor.now();
    }

    /** The reactor that owns this connection; replies computed elsewhere come back through it. */
    public Reactor reactor() {
        return reactor;
    }

    // tag::read[]
    /** The socket is readable: read up to the budget, decode, and process every complete frame. */
    void onReadable() {
        ByteBuffer buffer = reactor.readBuffer(); // shared by every connection of this reactor
        int budget = READ_BUDGET;
        while (budget > 0 && !readPaused && !readSuspended && !inputClosed && !closed) {
            buffer.clear();
            int n;
            try {
                n = channel.read(buffer);
            } catch (IOException e) {
                close(); // reset by peer
                return;
            }
            if (n < 0) {
                onInputClosed(); // <1>
                return;
            }
            if (n == 0) {
                return;
            }
            budget -= n;
            stats.bytesIn(n);
            lastActivityNanos = reactor.now();
            buffer.flip();
            try {
                decoder.decode(buffer, onFrame); // <2>
            } catch (CloseConnectionException e) {
                if (e.protocolError()) {
                    stats.protocolError();
                } // <3>
                close();
                return;
            } catch (RuntimeException e) {
                // A failing handler is a bug in the handler: close this connection, keep the loop alive.
                LOG.log(System.Logger.Level.WARNING, "handler failed; closing the connection", e);
                close();
                return;
            }
            updateInterest(); // <4>
            if (buffer.limit() < buffer.capacity()) {
                return; // a short read: the socket has nothing more right now
            }
        }
    }
    // end::read[]

    private void onFrame(byte[] frame) {
        stats.messageIn();
        processor.process(this, frame);
    }

    // tag::send[]
    /**
     * Queues a reply. It is written at the end of this turn of the loop, together with every
     * other reply this connection got in the same turn (one gathering write), and only if the
     * socket cannot take it all does the connection ask for OP_WRITE.
     */
    public void send(byte[] reply) {
        if (closed) {
            return; // the peer went away while the reply was being computed
        }
        outbound.add(codec.encode(reply));
        stats.messageOut();
        queueFlush();
        updateInterest();
    }
    // end::send[]

    /** A frame of {@code bytes} left for another thread; it counts towards the water marks until its reply is back. */
    public void workStarted(int bytes) {
        inFlightBytes += bytes;
        stats.outboundPending(bytes);
        updateInterest();
    }

    /**
     * The work on a frame of {@code bytes} is over (its reply, if any, goes through {@link #send},
     * before or after this call). The close check of a half-closed connection waits for the
     * end-of-turn flush, so the order of the two calls does not matter.
     */
    public void workFinished(int bytes) {
        inFlightBytes -= bytes;
        stats.outboundPending(-bytes);
        if (!closed) {
            updateInterest();
            queueFlush();
        }
    }

    private void queueFlush() {
        if (!flushQueued) {
            flushQueued = true;
            reactor.flushLater(this);
        }
    }

    /**
     * Stops reading this connection, whatever its water marks say, until {@link #resumeReading()}:
     * for backpressure a model applies itself, e.g. when its worker queue is full. Frames already
     * read still reach the {@link FrameProcessor}; none is dropped.
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

    /** Per-connection state of the model's {@link FrameProcessor}, like {@link SelectionKey#attach}. */
    public void attach(Object attachment) {
        this.attachment = attachment;
    }

    public Object attachment() {
        return attachment;
    }

    // tag::flush[]
    /** Writes what is queued; called at the end of a turn and when the socket becomes writable. */
    void flush() {
        flushQueued = false;
        if (closed) {
            return;
        }
        long before = outbound.pendingBytes();
        try {
            writeBlocked = !outbound.flushTo(channel); // true: the socket buffer is full
        } catch (IOException e) {
            close();
            return;
        }
        if (outbound.pendingBytes() != before) {
            lastActivityNanos = reactor.now();
        }
        updateInterest();
        closeIfDone();
    }
    // end::flush[]

    // tag::interest[]
    /** Sets OP_READ and OP_WRITE from the state: the water marks, a full socket buffer, a closed input. */
    private void updateInterest() {
        long owed = outbound.pendingBytes() + inFlightBytes;
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

    /** The peer sent FIN: it sends no more, but still gets every reply it is owed, then our FIN. */
    private void onInputClosed() {
        inputClosed = true;
        updateInterest();
        closeIfDone();
    }

    /** Graceful shutdown: read nothing more, close once every reply already owed is written. */
    void drain() {
        if (!closed) {
            onInputClosed();
        }
    }

    private void closeIfDone() {
        if (inputClosed && !closed && inFlightBytes == 0 && outbound.isEmpty() && !flushQueued) {
            close();
        }
    }

    /** Idle check, run by the reactor's timer wheel: close if silent long enough, else look again later. */
    void onIdleTimer(long idleTimeoutNanos) {
        if (closed) {
            return;
        }
        long idle = reactor.now() - lastActivityNanos;
        if (idle >= idleTimeoutNanos) {
            stats.idleClose();
            close();
        } else {
            reactor.timers().reschedule(idleTimer, lastActivityNanos + idleTimeoutNanos);
        }
    }

    void idleTimer(TimerWheel.Timeout timeout) {
        this.idleTimer = timeout;
    }

    /** Closes at once, dropping whatever is still queued. Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        key.cancel();
        Acceptor.closeQuietly(channel);
        outbound.discard();
        stats.connectionClosed();
        reactor.connectionClosed();
    }

    boolean isClosed() {
        return closed;
    }
}
