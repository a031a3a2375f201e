package dev.reactorworkbench.comparisonbench;

import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stub server on the test class path (registered in src/test/resources/META-INF/services) that
 * burns a known CPU time per message: {@code --work W} microseconds of its own thread's CPU time
 * (measured with {@link ThreadMXBean#getCurrentThreadCpuTime()}, so preemption on a busy machine
 * does not shorten it, as a wall-clock spin would), then echoes the frame. Blocking I/O, a thread
 * per connection: as little other cost as possible, so the CPU the kernel counts per message is
 * W plus a small rest.
 */
public final class CpuBurnModel implements ServerModel {

    static final String NAME = "test-cpu-burner";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Test stub: burns --work microseconds of thread CPU time per message, then echoes it.";
    }

    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        long burnNanos = ((EchoHandler) config.handler()).workMicros() * 1_000;
        ServerSocket listener = new ServerSocket(config.port(), config.backlog(), InetAddress.getByName(config.host()));
        ServerStats stats = new ServerStats();
        List<Socket> open = new CopyOnWriteArrayList<>();    // acceptor adds, close() closes
        Thread acceptor = Thread.ofPlatform().name("burner-acceptor").start(() -> {
            int n = 0;
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    open.add(s);
                    Thread.ofPlatform().daemon().name("burner-conn-" + n++).start(() -> serve(s, burnNanos, stats));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return new RunningServer() {
            @Override
            public InetSocketAddress address() {
                return (InetSocketAddress) listener.getLocalSocketAddress();
            }

            @Override
            public ServerStats stats() {
                return stats;
            }

            @Override
            public void close() {
                try {
                    listener.close();
                    for (Socket s : open) {
                        s.close();
                    }
                    acceptor.join();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    private static void serve(Socket socket, long burnNanos, ServerStats stats) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (socket) {
            socket.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (true) {
                byte[] frame = new byte[in.readInt()];
                in.readFully(frame);
                stats.messageIn();
                long start = threads.getCurrentThreadCpuTime();
                while (threads.getCurrentThreadCpuTime() - start < burnNanos) {
                    Thread.onSpinWait();
                }
                byte[] reply = new byte[4 + frame.length];
                java.nio.ByteBuffer.wrap(reply).putInt(frame.length).put(frame);
                out.write(reply);
                stats.messageOut();
            }
        } catch (IOException closed) {
            // the client or close() ended the connection
        }
    }
}
