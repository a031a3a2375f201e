package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.servercore.loop.Connection;

import java.nio.ByteBuffer;
import java.util.ArrayList;

/**
 * One thread's part of a read or write phase, Redis's {@code io_threads_list[i]}: the connections
 * dealt to it, the read buffer it owns, and how much I/O it has done. Share 0 belongs to the main
 * thread, share i (i >= 1) to the I/O thread {@code io-thread-i}.
 */
final class IoShare {

    /** The two jobs an I/O thread can be given, Redis's {@code IO_THREADS_OP_READ/WRITE}. */
    enum Op { READ, WRITE }

    /** Size of each thread's direct read buffer (Redis reads 16 KiB at a time, PROTO_IOBUF_LEN). */
    static final int READ_BUFFER_SIZE = 16 * 1024;
    /** Most bytes read from one connection in one phase, so one busy peer cannot starve the rest. */
    static final int READ_BUDGET = 64 * 1024;

    final String threadName;
    // Filled by the main thread while the owner is idle; walked and emptied by the owner during a
    // phase. The owner's pending count hands it over and back (see IoThread).
    final ArrayList<Connection> connections = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE); // owner only
    // Written by the owner only (single writer, so ++ on a volatile is safe); read by anyone for stats.
    private volatile long reads;
    private volatile long writes;

    IoShare(String threadName) {
        this.threadName = threadName;
    }

    /** Does {@code op} for every connection in this share, then empties it. Owner thread only. */
    void runAll(Op op) {
        try {
            for (int i = 0, n = connections.size(); i < n; i++) {
                run(connections.get(i), op);
            }
        } finally {
            connections.clear();
        }
    }

    /**
     * Does {@code op} for one connection. Owner thread only. Only the socket and the parser are
     * touched here: read and parse (never run the handler), or write; the main thread settles
     * the rest after the phase.
     */
    void run(Connection connection, Op op) {
        if (op == Op.READ) {
            connection.readPostponed(readBuffer, READ_BUDGET);
            reads++;
        } else {
            connection.write();
            writes++;
        }
    }

    /** Connections read by this thread so far (one per connection per read phase). */
    long reads() {
        return reads;
    }

    /** Connections written by this thread so far (one per connection per write phase). */
    long writes() {
        return writes;
    }
}
