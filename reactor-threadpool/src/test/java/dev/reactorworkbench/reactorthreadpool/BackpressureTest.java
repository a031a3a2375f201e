package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The bound on frames waiting for a worker: reading stops, nothing is dropped, nothing blocks the reactor. */
@Timeout(120)
class BackpressureTest {

    @Test
    @DisplayName("a queue of 2 frames suspends reading again and again, and every pipelined frame still gets its reply, in order")
    void tinyQueueDropsNothing() throws Exception {
        int connections = 6;
        int frames = 3_000;
        ServerConfig config = ServerConfig.builder().port(0).handler(new EchoHandler(2))
                .option("workers", "2").option("queue", "2").build();
        ReactorThreadPoolModel.Started started = new ReactorThreadPoolModel().launch(config);
        try (RunningServer server = started.server();
             ExecutorService clients = Executors.newFixedThreadPool(connections, Thread.ofPlatform().name("test-client-", 0).factory())) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int id = c;
                results.add(clients.submit(() -> {
                    try (EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
                        return TestSupport.pipelineAndCheckOrder(client, id, frames);
                    }
                }));
            }
            int replies = 0;
            for (Future<Integer> f : results) {
                replies += f.get();
            }
            System.out.printf("backpressure: %,d replies, reading suspended %,d times%n", replies, started.handOff().suspensions());
            assertThat(replies).isEqualTo(connections * frames);
            assertThat(started.handOff().suspensions()).as("times the full queue suspended a connection").isPositive();
            assertThat(started.handOff().waitingFrames()).isZero();
            TestSupport.await("no reply bytes held", 10, () -> server.stats().getOutboundBytesPending() == 0);
        }
    }

    @Test
    @DisplayName("while the only worker is stuck, the reactor reads no more than the queue limit plus the one read that reached it")
    void readingStopsAtTheQueueLimit() throws Exception {
        int queue = 8;
        int frames = 2_000;
        byte[] payload = new byte[1024];
        // The one read that reaches the limit is decoded to its end: at most this many frames of this size.
        int framesPerRead = 64 * 1024 / (LengthPrefixedCodec.HEADER + payload.length) + 1;
        int bound = 1 /* the frame the stuck worker holds */ + queue + framesPerRead;

        CountDownLatch release = new CountDownLatch(1);
        Handler stuck = Handler.ofBytes(frame -> {
            try {
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test never released the worker");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return frame;
        });
        // Water marks far above what is sent, so only the pool's queue limit can stop the reading.
        ServerConfig config = ServerConfig.builder().port(0).handler(stuck).writeWaterMarks(8 << 20, 16 << 20)
                .option("workers", "1").option("queue", String.valueOf(queue)).build();
        ReactorThreadPoolModel.Started started = new ReactorThreadPoolModel().launch(config);
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        try (RunningServer server = started.server();
             EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            ServerStats stats = server.stats();
            Thread writer = Thread.ofPlatform().name("test-writer").start(() -> {
                try {
                    OutputStream out = client.socket().getOutputStream();
                    byte[] frame = LengthPrefixedCodec.frame(payload);
                    for (int i = 0; i < frames; i++) {
                        out.write(frame); // blocks once the server stops reading and the buffers fill
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            });
            try {
                TestSupport.await("the queue limit reached", 30, () -> started.handOff().suspensions() > 0);
                // An observation window, not a synchronisation: a reactor that kept reading would
                // read the 2 MB the client is writing well within it.
                long peak = 0;
                for (int i = 0; i < 50; i++) {
                    peak = Math.max(peak, stats.getMessagesIn());
                    Thread.sleep(10);
                }
                System.out.printf("backpressure: %d of %d frames read while the worker was stuck (bound %d)%n", peak, frames, bound);
                assertThat(peak).as("frames read while the worker was stuck").isGreaterThanOrEqualTo(queue).isLessThanOrEqualTo(bound);
            } finally {
                release.countDown();
            }
            for (int i = 0; i < frames; i++) {
                assertThat(client.receive()).as("reply %d", i).isEqualTo(payload);
            }
            writer.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(writer.isAlive()).isFalse();
            assertThat(writerFailure.get()).isNull();
            assertThat(stats.getMessagesIn()).isEqualTo(frames);
        }
    }

    @Test
    @DisplayName("frames that could not be queued are not lost: a suspended connection is resumed and served")
    void suspendedConnectionIsResumed() throws Exception {
        // One worker and a queue of 1: almost every frame suspends its connection.
        ServerConfig config = ServerConfig.builder().port(0).option("workers", "1").option("queue", "1").build();
        ReactorThreadPoolModel.Started started = new ReactorThreadPoolModel().launch(config);
        try (RunningServer server = started.server();
             Socket a = new Socket("127.0.0.1", server.port());
             EchoClient b = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            a.setSoTimeout(10_000);
            // Connection a pipelines 500 frames in one write; b does request/response meanwhile.
            java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 500; i++) {
                frames.write(LengthPrefixedCodec.frame(TestSupport.payload(0, i)));
            }
            byte[] burst = frames.toByteArray();
            a.getOutputStream().write(burst);
            for (int i = 0; i < 100; i++) {
                byte[] p = TestSupport.payload(1, i);
                assertThat(b.echo(p)).isEqualTo(p);
            }
            byte[] replies = a.getInputStream().readNBytes(burst.length);
            assertThat(Arrays.equals(replies, burst)).as("connection a got every reply, in order").isTrue();
            assertThat(started.handOff().suspensions()).isPositive();
        }
    }
}
