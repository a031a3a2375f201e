package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How much heap does an idle connection cost this reactor, beyond what the JDK itself needs for a
 * registered socket channel? Both runs below open the same 2,000 client connections in this JVM;
 * the first is accepted by a bare JDK selector that does nothing else, the second by the reactor.
 * Client objects and the JDK's channel and selection-key objects appear in both, so the
 * difference is the reactor's own state: handler, decoder, outbound queue, timer entry.
 */
@Timeout(120)
class IdleConnectionMemoryTest {

    private static final int CONNECTIONS = 2_000;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    @Test
    @DisplayName("2,000 idle connections cost the reactor under 1 KiB of heap each, beyond the JDK's own channel objects")
    void idleConnectionsAreCheap() throws Exception {
        // Each kind of server runs once first and is measured the second time: a first run also
        // pays once for what the JVM keeps afterwards (loaded classes, compiled code), which is not
        // a cost per connection. Without it, run alone, this test counted about
        // 700 B per connection more than in the module's full test run.
        heapGrowthWith(this::bareJdkServer);
        long jdkOnly = heapGrowthWith(this::bareJdkServer);
        heapGrowthWith(this::reactorServer);
        long reactor = heapGrowthWith(this::reactorServer);
        double perConnection = (reactor - jdkOnly) / (double) CONNECTIONS;
        System.out.printf(Locale.ROOT,
                "idle connections: %,d; heap growth with a bare JDK selector %,d B (%.0f B/conn), with the reactor %,d B (%.0f B/conn);"
                        + " the reactor's own cost: %.0f B per idle connection%n",
                CONNECTIONS, jdkOnly, jdkOnly / (double) CONNECTIONS, reactor, reactor / (double) CONNECTIONS, perConnection);
        assertThat(perConnection).as("reactor heap per idle connection, bytes").isLessThan(1024);
    }

    /** A server that holds {@link #CONNECTIONS} idle connections until closed. */
    private interface IdleServer extends AutoCloseable {
        InetSocketAddress address();

        boolean holdsAll();

        @Override
        void close() throws Exception;
    }

    private long heapGrowthWith(ServerFactory factory) throws Exception {
        long before = usedHeapAfterGc();
        List<SocketChannel> clients = new ArrayList<>(CONNECTIONS);
        try (IdleServer server = factory.open()) {
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(SocketChannel.open(server.address()));
            }
            await(server::holdsAll);
            long after = usedHeapAfterGc();
            return after - before;
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
        }
    }

    @FunctionalInterface
    private interface ServerFactory {
        IdleServer open() throws Exception;
    }

    private IdleServer reactorServer() throws IOException {
        RunningServer server = new SingleThreadReactorModel().start(ServerConfig.builder().port(0).backlog(4096).build());
        return new IdleServer() {
            public InetSocketAddress address() {
                return server.address();
            }

            public boolean holdsAll() {
                return server.stats().getConnectionsOpen() == CONNECTIONS;
            }

            public void close() {
                server.close();
            }
        };
    }

    /** The JDK baseline: accept, make non-blocking, register for OP_READ, keep nothing else. */
    private IdleServer bareJdkServer() throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 4096);
        Selector selector = Selector.open();
        List<SocketChannel> accepted = new ArrayList<>(CONNECTIONS);
        Thread acceptor = Thread.ofPlatform().name("baseline-acceptor").start(() -> {
            try {
                while (accepted.size() < CONNECTIONS) {
                    SocketChannel c = listener.accept();
                    c.configureBlocking(false);
                    c.register(selector, SelectionKey.OP_READ);
                    synchronized (accepted) {
                        accepted.add(c);
                    }
                }
            } catch (IOException ignored) {
                // listener closed
            }
        });
        return new IdleServer() {
            public InetSocketAddress address() {
                try {
                    return (InetSocketAddress) listener.getLocalAddress();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            public boolean holdsAll() {
                synchronized (accepted) {
                    return accepted.size() == CONNECTIONS;
                }
            }

            public void close() throws Exception {
                listener.close();
                acceptor.join();
                for (SocketChannel c : accepted) {
                    c.close();
                }
                selector.close();
            }
        };
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) { // settle: several collections, keep the lowest reading
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("server did not accept every connection within 60 s");
            }
            Thread.sleep(10);
        }
    }
}
