package dev.reactorworkbench.comparisonbench.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small blocking length-prefixed echo server for the load generator's tests: one thread per
 * connection, and a {@link Behaviour} that decides what happens to each request, so a test can
 * make it drop, corrupt, duplicate or delay exactly one reply. Binds 127.0.0.1 on a free port;
 * {@link #close()} closes every socket and joins every thread.
 */
final class TestEchoServer implements AutoCloseable {

    /** What to send for request number {@code n} (counted over all connections, from 0). */
    @FunctionalInterface
    interface Behaviour {
        void reply(long n, byte[] payload, DataOutputStream out, Socket socket) throws IOException, InterruptedException;
    }

    static final Behaviour ECHO = (n, payload, out, socket) -> writeFrame(out, payload);

    private final ServerSocket listener;
    private final Behaviour behaviour;
    private final AtomicLong requests = new AtomicLong();      // any connection thread
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private TestEchoServer(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().name("test-echo-acceptor").start(this::accept);
    }

    static TestEchoServer start(Behaviour behaviour) throws IOException {
        return new TestEchoServer(behaviour);
    }

    static TestEchoServer echo() throws IOException {
        return start(ECHO);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Requests read so far, over all connections. */
    long requests() {
        return requests.get();
    }

    static void writeFrame(DataOutputStream out, byte[] payload) throws IOException {
        out.writeInt(payload.length);
        out.write(payload);
    }

    private void accept() {
        try {
            while (true) {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                sockets.add(socket);
                threads.add(Thread.ofPlatform().name("test-echo-conn-" + threads.size()).start(() -> serve(socket)));
            }
        } catch (IOException closed) {
            // close() closed the listener
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
            while (true) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException e) {
                    return;
                }
                byte[] payload = new byte[length];
                in.readFully(payload);
                behaviour.reply(requests.getAndIncrement(), payload, out, socket);
                // Flush once no more requests are waiting: pipelined replies go out together.
                if (in.available() == 0 && !socket.isClosed()) {
                    out.flush();
                }
            }
        } catch (SocketException | EOFException e) {
            // the client went away, or close() closed the socket
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        acceptor.join(Duration.ofSeconds(5));
        for (Socket socket : sockets) {
            socket.close();
        }
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(Duration.ofSeconds(5));
        }
    }
}
