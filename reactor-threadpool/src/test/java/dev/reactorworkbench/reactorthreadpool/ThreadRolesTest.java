package dev.reactorworkbench.reactorthreadpool;

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

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Who does what. The handler's thread is recorded by a wrapping handler. The socket writes are
 * observed where they really happen: JDK Flight Recorder's {@code jdk.SocketWrite} and
 * {@code jdk.SocketRead} events are emitted by the JDK's own {@code SocketChannel} implementation
 * (from JDK 22 on) for every read and write, plain or gathering, with the thread that made the
 * call and the peer's port. The server's sockets are the ones whose peer port is one of our
 * clients' local ports; the clients' own writes go to the server's port and are left out.
 */
@Timeout(60)
class ThreadRolesTest {

    private static final int CONNECTIONS = 4;
    private static final int FRAMES = 300;

    @Test
    @DisplayName("the handler runs on worker threads; every socket read and write of the server happens on the reactor thread")
    void handlerOnWorkersIoOnReactor(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.version().feature() >= 22, "JFR records SocketChannel reads and writes from JDK 22 on");
        Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
        EchoHandler echo = new EchoHandler(5);
        Handler recording = Handler.ofBytes(frame -> {
            handlerThreads.add(Thread.currentThread().getName());
            return echo.handle(frame);
        });
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        Path jfr = dir.resolve("io.jfr");
        try (Recording io = new Recording()) {
            io.enable("jdk.SocketWrite").withThreshold(Duration.ZERO).withoutStackTrace();
            io.enable("jdk.SocketRead").withThreshold(Duration.ZERO).withoutStackTrace();
            io.start();
            ServerConfig config = ServerConfig.builder().port(0).handler(recording).option("workers", "3").build();
            try (RunningServer server = new ReactorThreadPoolModel().start(config);
                 ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS, Thread.ofPlatform().name("test-client-", 0).factory())) {
                List<Future<Integer>> results = new ArrayList<>();
                for (int c = 0; c < CONNECTIONS; c++) {
                    int id = c;
                    results.add(clients.submit(() -> {
                        try (EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
                            clientPorts.add(client.socket().getLocalPort());
                            return TestSupport.pipelineAndCheckOrder(client, id, FRAMES);
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

        Set<String> serverWriters = new HashSet<>();
        Set<String> serverReaders = new HashSet<>();
        long serverBytesWritten = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!clientPorts.contains(e.getInt("port"))) {
                continue; // not one of the server's sockets
            }
            String thread = e.getThread().getJavaName();
            if (e.getEventType().getName().equals("jdk.SocketWrite")) {
                serverWriters.add(thread);
                serverBytesWritten += e.getLong("bytesWritten");
            } else {
                serverReaders.add(thread);
            }
        }
        System.out.printf("thread roles: handler ran on %s; server sockets written by %s, read by %s%n",
                new java.util.TreeSet<>(handlerThreads), serverWriters, serverReaders);
        assertThat(handlerThreads).isNotEmpty().allMatch(name -> name.matches("worker-[0-2]"));
        assertThat(serverWriters).containsExactly("reactor");
        assertThat(serverReaders).containsExactly("reactor");
        long expected = 0;
        for (int c = 0; c < CONNECTIONS; c++) {
            for (int seq = 0; seq < FRAMES; seq++) {
                expected += LengthPrefixedCodec.HEADER + TestSupport.payload(c, seq).length;
            }
        }
        assertThat(serverBytesWritten).as("every reply byte was written by a recorded write").isEqualTo(expected);
    }
}
