package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eight connections pipeline 1,000 frames each at a pool of four workers, with a handler that
 * costs 20 µs. Frames of one connection move between workers (a serial queue gives up its worker
 * after a batch), so the order of the replies is kept by the serial queues and the reactor's FIFO
 * task queue, not by a connection staying on one thread.
 */
@Timeout(120)
class PipelinedOrderTest {

    private static final int WORKERS = 4;
    private static final int CONNECTIONS = 8;
    private static final int FRAMES = 1_000;

    @Test
    @DisplayName("8 connections x 1,000 pipelined frames on 4 workers: every connection gets its replies in request order")
    void pipelinedRepliesKeepRequestOrder() throws Exception {
        // Which workers served each connection (first 4 bytes of the payload), to show frames do move between workers.
        Set<String> connectionOnWorker = ConcurrentHashMap.newKeySet();
        EchoHandler echo = new EchoHandler(20);
        Handler observed = Handler.ofBytes(frame -> {
            connectionOnWorker.add(ByteBuffer.wrap(frame).getInt() + "@" + Thread.currentThread().getName());
            return echo.handle(frame);
        });
        ServerConfig config = ServerConfig.builder().port(0).handler(observed)
                .option("workers", String.valueOf(WORKERS)).build();
        try (RunningServer server = new ReactorThreadPoolModel().start(config);
             ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS, Thread.ofPlatform().name("test-client-", 0).factory())) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int id = c;
                results.add(clients.submit(() -> {
                    try (EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
                        return TestSupport.pipelineAndCheckOrder(client, id, FRAMES);
                    }
                }));
            }
            int inOrder = 0;
            for (Future<Integer> f : results) {
                inOrder += f.get(); // an out-of-order reply fails here with the AssertionError that found it
            }
            assertThat(inOrder).isEqualTo(CONNECTIONS * FRAMES);
            assertThat(server.stats().getMessagesIn()).isEqualTo(CONNECTIONS * FRAMES);
            assertThat(server.stats().getMessagesOut()).isEqualTo(CONNECTIONS * FRAMES);
            long moved = connectionOnWorker.stream().map(s -> s.substring(0, s.indexOf('@'))).distinct().count();
            System.out.printf("ordering: %d (connection, worker) pairs over %d connections: %s%n",
                    connectionOnWorker.size(), moved, new java.util.TreeSet<>(connectionOnWorker));
        }
    }
}
