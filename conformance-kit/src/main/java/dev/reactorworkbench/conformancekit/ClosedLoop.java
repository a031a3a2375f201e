package dev.reactorworkbench.conformancekit;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A closed loop over many length-prefixed connections, one request in flight on each, driven by
 * the calling thread with one Selector: each connection sends a frame, waits for its echo, checks
 * it byte for byte, and sends the next. One non-blocking client serves every ready connection on
 * each pass, so it keeps a server busy (a thread per client connection could not, on two cores)
 * and cannot itself be what starves a connection.
 *
 * <p>Round trips still in flight at the end are not counted; the clients then close.
 */
final class ClosedLoop {

    /** Longest single wait for readiness, so the loop notices its deadlines. */
    private static final long SELECT_MILLIS = 100;

    private ClosedLoop() {
    }

    /** One connection's state; the calling thread's only. */
    private static final class Client {
        final int index;
        final SocketChannel channel;
        final ByteBuffer request;
        final ByteBuffer reply;
        int sequence;
        long roundTrips;

        Client(int index, SocketChannel channel, int payloadBytes) {
            this.index = index;
            this.channel = channel;
            this.request = ByteBuffer.allocate(LengthPrefixedCodec.HEADER + payloadBytes);
            this.reply = ByteBuffer.allocate(LengthPrefixedCodec.HEADER + payloadBytes);
        }

        /** Starts the next request (a fresh sequence number, so a stale reply cannot pass). */
        void send(SelectionKey key) throws IOException {
            byte[] payload = Payloads.sequenced(sequence++, request.capacity() - LengthPrefixedCodec.HEADER);
            request.clear();
            request.putInt(payload.length).put(payload).flip();
            reply.clear();
            flush(key);
        }

        void flush(SelectionKey key) throws IOException {
            channel.write(request);
            key.interestOps(request.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /** Reads what arrived; true once the whole reply is in, checked against the request. */
        boolean read() throws IOException {
            if (channel.read(reply) < 0) {
                throw new AssertionError("the server closed connection " + index + " during the closed loop");
            }
            if (reply.hasRemaining()) {
                return false;
            }
            if (!Arrays.equals(reply.array(), request.array())) {
                throw new AssertionError("connection " + index + ": reply to request #" + (sequence - 1)
                        + " differs from the request");
            }
            return true;
        }
    }

    /**
     * Connects the clients one after the other, each sending its first request as soon as it is
     * connected while the earlier ones already loop (as a load generator does: a server must
     * accept while it is busy serving); then, from the moment the last one has sent its first
     * request, counts every connection's round trips for {@code duration}. The same window for all,
     * so a connection the client opened last is not counted short; one the server has not accepted
     * yet is.
     *
     * @return round trips completed per connection within the window
     */
    static long[] run(InetSocketAddress server, int connections, int payloadBytes, Duration duration) throws IOException {
        List<Client> clients = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            try {
                // 1. Connect every client (blocking: the kernel completes it from the backlog) and
                //    start it at once; serve the ones already started between two connects.
                for (int i = 0; i < connections; i++) {
                    SocketChannel channel = SocketChannel.open();
                    Client c = new Client(i, channel, payloadBytes);
                    clients.add(c);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channel.connect(server);
                    channel.configureBlocking(false);
                    c.send(channel.register(selector, SelectionKey.OP_READ, c));
                    selector.selectNow();
                    serveReady(selector);
                }
                // 2. The counted window: each reply is checked, counted and answered with the next request.
                clients.forEach(c -> c.roundTrips = 0);
                long end = System.nanoTime() + duration.toNanos();
                while (System.nanoTime() - end < 0) {
                    selector.select(SELECT_MILLIS);
                    serveReady(selector);
                }
                return clients.stream().mapToLong(c -> c.roundTrips).toArray();
            } finally {
                for (Client c : clients) {
                    c.channel.close();
                }
            }
        }
    }

    private static void serveReady(Selector selector) throws IOException {
        for (SelectionKey key : selector.selectedKeys()) {
            Client c = (Client) key.attachment();
            if (key.isWritable()) {
                c.flush(key);
            }
            if (key.isReadable() && c.read()) {
                c.roundTrips++;
                c.send(key);
            }
        }
        selector.selectedKeys().clear();
    }
}
