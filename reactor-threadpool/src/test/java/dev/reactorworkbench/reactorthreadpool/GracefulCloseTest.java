package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class GracefulCloseTest {

    @Test
    @DisplayName("close() waits for the work in flight, writes every reply, then joins every worker and the reactor")
    void closeDrainsWorkInFlight() throws Exception {
        int frames = 50;
        CountDownLatch release = new CountDownLatch(1);
        Handler gated = Handler.ofBytes(frame -> {
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test never released the workers");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return frame;
        });
        ServerConfig config = ServerConfig.builder().port(0).handler(gated).option("workers", "3").build();
        assertThat(TestSupport.liveThreads("worker-", "reactor")).as("threads before start").isEmpty();
        RunningServer server = new ReactorThreadPoolModel().start(config);
        try (EchoClient a = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
             EchoClient b = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            assertThat(TestSupport.liveThreads("worker-", "reactor")).containsExactly("reactor", "worker-0", "worker-1", "worker-2");
            for (int i = 0; i < frames; i++) {
                a.send(TestSupport.payload(0, i));
                b.send(TestSupport.payload(1, i));
            }
            TestSupport.await("every frame read", 30, () -> server.stats().getMessagesIn() == 2L * frames);

            // Close while every frame is still with the (stuck) workers.
            Thread closer = Thread.ofPlatform().name("test-closer").start(server::close);
            TestSupport.await("close() waiting for the reactor to drain", 30, 
                    () -> closer.getState() == Thread.State.TIMED_WAITING); // in the bounded join
            assertThat(server.stats().getMessagesOut()).as("replies before the workers were released").isZero();
            release.countDown();

            for (int i = 0; i < frames; i++) {
                assertThat(a.receive()).isEqualTo(TestSupport.payload(0, i));
                assertThat(b.receive()).isEqualTo(TestSupport.payload(1, i));
            }
            assertThat(a.awaitServerClose()).as("a closed after its replies").isTrue();
            assertThat(b.awaitServerClose()).as("b closed after its replies").isTrue();
            closer.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(closer.isAlive()).as("close() returned").isFalse();
        } finally {
            release.countDown();
            server.close();
        }
        assertThat(TestSupport.liveThreads("worker-", "reactor")).as("threads after close()").isEmpty();
        assertThat(server.stats().getMessagesOut()).isEqualTo(2L * frames);
        assertThat(server.stats().getConnectionsOpen()).isZero();
        assertThat(server.stats().getOutboundBytesPending()).isZero();
    }
}
