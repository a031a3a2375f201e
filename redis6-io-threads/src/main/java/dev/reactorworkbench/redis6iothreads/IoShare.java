package dev.reactorworkbench.redis6iothreads;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;

/**
 * One thread's part of a read or write phase, Redis's {@code io_threads_list[i]}: the clients dealt
 * to it, the read buffer it owns, and how much I/O it has done. Share 0 belongs to the main thread,
 * share i (i >= 1) to the I/O thread {@code io-thread-i}.
 */
final class IoShare {

    /** The two jobs an I/O thread can be given, Redis's {@code IO_THREADS_OP_READ/WRITE}. */
    enum Op { READ, WRITE }

    /** Size of each thread's direct read buffer (Redis reads 16 KiB at a time, PROTO_IOBUF_LEN). */
    static final int READ_BUFFER_SIZE = 16 * 1024;

    final String threadName;
    // Filled by the main thread while the owner is idle; walked and emptied by the owner during a
    // phase. The owner's pending count hands it over and back (see IoThread).
    final ArrayList<Client> clients = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE); // owner only
    // Written by the owner only (single writer, so ++ on a volatile is safe); read by anyone for stats.
    private volatile long reads;
    private volatile long writes;

    IoShare(String threadName) {
        this.threadName = threadName;
    }

    /** Does {@code op} for every client in this share, then empties it. Owner thread only. */
    void runAll(Op op) {
        try {
            for (int i = 0, n = clients.size(); i < n; i++) {
                run(clients.get(i), op);
            }
        } finally {
            clients.clear();
        }
    }

    /** Does {@code op} for one client. Owner thread only. */
    void run(Client client, Op op) {
        try {
            if (op == Op.READ) {
                client.readAndDecode(readBuffer);
                reads++;
            } else {
                client.flush();
                writes++;
            }
        } catch (RuntimeException e) {
            // A bug must cost one connection, not the phase: the main thread closes this client.
            client.ioFailure = new IOException("unexpected error on " + threadName, e);
        }
    }

    /** Connections read by this thread so far (one per client per read phase). */
    long reads() {
        return reads;
    }

    /** Connections written by this thread so far (one per client per write phase). */
    long writes() {
        return writes;
    }
}
