package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.echoprotocol.codec.FrameDecoder;
import dev.reactorworkbench.echoprotocol.codec.CloseConnectionException;
import dev.reactorworkbench.echoprotocol.nio.OutboundQueue;
import dev.reactorworkbench.echoprotocol.nio.TimerWheel;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;

/**
 * One connection, Redis's {@code client} struct: its socket, its parser state, the commands parsed
 * but not yet run, and the replies not yet written.
 *
 * <p>Who touches what. The main loop owns a client between phases. During a read or write phase it
 * is in exactly one thread's share (the main thread's own or one I/O thread's), and only that
 * thread touches the fields marked "phase" below. The share is handed over and back through that
 * I/O thread's volatile pending count (see {@link IoThread}): the main thread fills the share, then
 * writes the count; the I/O thread reads the count, works, then writes it back to zero; the main
 * thread reads zero. Each volatile write happens-before the read that sees it, so the plain fields
 * here need no lock and no volatile of their own.
 */
final class Client {

    /** Most bytes read from one connection in one loop turn, so one busy peer cannot starve the rest. */
    static final int READ_BUDGET = 64 * 1024;

    final SocketChannel channel;               // final
    final SelectionKey key;                    // interest ops changed by the main thread only
    private final FrameDecoder decoder;        // phase: the thread reading this client
    final ArrayList<byte[]> frames = new ArrayList<>();    // phase: filled by the reader, drained by the main thread
    final OutboundQueue outbound;              // filled by the main thread, flushed by the writer in the write phase
    private final ServerStats stats;           // thread-safe

    // Results of a phase: set by the thread holding the client, read and reset by the main thread after it.
    boolean reachedEof;        // the peer half-closed (read returned -1)
    boolean protocolError;     // a frame over the limit arrived
    IOException ioFailure;     // reset, broken pipe...
    long bytesMoved;           // bytes read or written this turn, for the idle check

    // Main thread only.
    boolean inputClosed;       // EOF seen: no more reads; close once the replies are out
    boolean closed;
    boolean queuedForWrite;    // already in this turn's write list
    int interestOps;           // mirror of key.interestOps(), to skip redundant updates
    long lastActivityNanos;
    TimerWheel.Timeout idleTimeout;

    Client(SocketChannel channel, SelectionKey key, FrameDecoder decoder, OutboundQueue outbound, ServerStats stats,
           long nowNanos) {
        this.channel = channel;
        this.key = key;
        this.decoder = decoder;
        this.outbound = outbound;
        this.stats = stats;
        this.interestOps = key.interestOps();
        this.lastActivityNanos = nowNanos;
    }

    /**
     * Read phase, on whichever thread holds this client: read up to the budget into that thread's
     * own buffer and parse it into {@link #frames}. Never runs the handler (Redis's I/O threads
     * only parse; the main thread executes).
     */
    void readAndDecode(ByteBuffer buffer) {
        int budget = READ_BUDGET;
        try {
            while (budget > 0) {
                buffer.clear().limit(Math.min(buffer.capacity(), budget));
                int asked = buffer.remaining();
                int n = channel.read(buffer);
                if (n < 0) {
                    reachedEof = true;
                    return;
                }
                if (n == 0) {
                    return;
                }
                budget -= n;
                bytesMoved += n;
                stats.bytesIn(n);
                buffer.flip();
                // The decoder copies what it keeps, so the shared buffer is free again afterwards.
                decoder.decode(buffer, frame -> {
                    frames.add(frame);
                    stats.messageIn();
                });
                if (n < asked) {
                    return; // the socket is drained for now
                }
            }
        } catch (CloseConnectionException e) {
            protocolError = true;
        } catch (IOException e) {
            ioFailure = e;
        }
    }

    /** Write phase, on whichever thread holds this client: write as much as the socket takes. */
    void flush() {
        long before = outbound.pendingBytes();
        try {
            outbound.flushTo(channel);
        } catch (IOException e) {
            ioFailure = e;
        }
        bytesMoved += before - outbound.pendingBytes();
    }

    /** Main thread: sets the interest ops, skipping the call when nothing changes. */
    void interest(int ops) {
        if (ops != interestOps && key.isValid()) {
            key.interestOps(ops);
            interestOps = ops;
        }
    }
}
