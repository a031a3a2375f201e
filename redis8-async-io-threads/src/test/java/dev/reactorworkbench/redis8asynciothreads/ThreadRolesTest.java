package dev.reactorworkbench.redis8asynciothreads;

import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Who does what, by counts. The handler's thread is recorded by a wrapping handler. The socket
 * reads and writes are observed where they happen: JDK Flight Recorder's {@code jdk.SocketRead}
 * and {@code jdk.SocketWrite} events, emitted by the JDK's own {@code SocketChannel} (JDK 22 on)
 * with the calling thread and the peer's port. A server socket is one whose peer port is one of
 * our clients' local ports; the clients' own reads and writes (peer: the server's port) are left out.
 */
@Timeout(60)
class ThreadRolesTest {

    private static final int CONNECTIONS = 4;
    private static final int FRAMES = 300;

    @Test
    @DisplayName("every command runs on main-thread; each connection is read and written by one I/O thread only, its own")
    void commandsOnMainIoOnEachConnectionsIoThread(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "JFR records SocketChannel reads and writes from JDK 22 on");
        Map<String, LongAdder> handlerCalls = new ConcurrentHashMap<>();
        EchoHandler echo = new EchoHandler(5);
        Handler recording = Handler.ofBytes(frame -> {
            handlerCalls.computeIfAbsent(Thread.currentThread().getName(), t -> new LongAdder()).increment();
            return echo.handle(frame);
        });
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        Path jfr = dir.resolve("io.jfr");
        try (Recording io = new Recording()) {
            io.enable("jdk.SocketWrite").withThreshold(Duration.ZERO).withoutStackTrace();
            io.enable("jdk.SocketRead").withThreshold(Duration.ZERO).withoutStackTrace();
            io.start();
            // io-threads 3: main-thread, io-thread-1 and io-thread-2; four connections, two on each.
            ServerConfig config = ServerConfig.builder().port(0).handler(recording).option("io-threads", "3").build();
            try (RunningServer server = new Redis8AsyncIoThreadsModel().start(config);
                 ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS, Thread.ofPlatform().name("test-client-", 0).factory())) {
                List<Future<Integer>> results = new ArrayList<>();
                for (int c = 0; c < CONNECTIONS; c++) {
                    int id = c;
                    results.add(clients.submit(() -> {
                        try (EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
                            clientPorts.add(client.socket().getLocalPort());
                            return pipelineAndCheckOrder(client, id);
                        }
                    }));
                }
                for (Future<Integer> f : results) {
                    assertThat(f.get()).isEqualTo(FRAMES);
                }
            }
            io.stop();
            io.dump(jfr);
        }

        // Per server socket (keyed by the client's port): the threads that read it and wrote it.
        Map<Integer, Set<String>> readers = new TreeMap<>();
        Map<Integer, Set<String>> writers = new TreeMap<>();
        Map<String, Long> eventsPerThread = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            int port = e.getInt("port");
            if (!clientPorts.contains(port)) {
                continue; // not one of the server's sockets
            }
            String thread = e.getThread().getJavaName();
            boolean write = e.getEventType().getName().equals("jdk.SocketWrite");
            (write ? writers : readers).computeIfAbsent(port, p -> new TreeSet<>()).add(thread);
            eventsPerThread.merge(thread, 1L, Long::sum);
        }
        Map<String, Long> calls = new TreeMap<>();
        handlerCalls.forEach((thread, n) -> calls.put(thread, n.sum()));
        System.out.printf("thread roles: handler calls per thread %s; per connection, readers %s, writers %s; socket events per thread %s%n",
                calls, readers, writers, new TreeMap<>(eventsPerThread));

        // 1. Every command ran on the main thread, and every one of them ran once.
        assertThat(calls).containsExactly(Map.entry(MainThread.THREAD_NAME, (long) CONNECTIONS * FRAMES));
        // 2. Each connection was read and written by exactly one thread, the same one, an I/O thread.
        assertThat(readers).hasSize(CONNECTIONS);
        assertThat(writers).hasSize(CONNECTIONS);
        for (int port : readers.keySet()) {
            assertThat(readers.get(port)).as("readers of the connection from port %d", port)
                    .hasSize(1).allMatch(name -> name.matches("io-thread-[12]"));
            assertThat(writers.get(port)).as("writers of the connection from port %d", port)
                    .isEqualTo(readers.get(port));
        }
        // 3. Round-robin: two connections on each I/O thread, none on the main thread.
        Map<String, Long> connectionsPerThread = new TreeMap<>();
        readers.values().forEach(threads -> connectionsPerThread.merge(threads.iterator().next(), 1L, Long::sum));
        assertThat(connectionsPerThread).containsExactly(Map.entry("io-thread-1", 2L), Map.entry("io-thread-2", 2L));
    }

    private static byte[] payload(int connection, int seq) {
        int length = 8 + (connection * 31 + seq * 17) % 120;
        ByteBuffer b = ByteBuffer.allocate(length).putInt(connection).putInt(seq);
        while (b.hasRemaining()) {
            b.put((byte) (seq + b.position()));
        }
        return b.array();
    }

    /** Pipelines every frame from a writer thread while this one reads the replies, each checked in order. */
    private static int pipelineAndCheckOrder(EchoClient client, int connection) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().name("test-writer-" + connection).start(() -> {
            try {
                for (int seq = 0; seq < FRAMES; seq++) {
                    client.send(payload(connection, seq));
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        try {
            for (int seq = 0; seq < FRAMES; seq++) {
                assertThat(Arrays.equals(client.receive(), payload(connection, seq)))
                        .as("connection %d, reply %d is the echo of request %d", connection, seq, seq).isTrue();
            }
        } finally {
            writer.join(Duration.ofSeconds(30));
        }
        assertThat(failure.get()).isNull();
        return FRAMES;
    }
}
