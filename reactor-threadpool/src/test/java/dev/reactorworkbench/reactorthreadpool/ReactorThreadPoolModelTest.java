package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class ReactorThreadPoolModelTest {

    @Test
    @DisplayName("the model is found by name through ServiceLoader and offers --workers and --queue")
    void discoverable() {
        ServerModel model = ServerModel.named("reactor-threadpool");
        assertThat(model).isInstanceOf(ReactorThreadPoolModel.class);
        assertThat(model.options()).extracting(o -> o.name()).containsExactly("workers", "queue");
    }

    @Test
    @DisplayName("without --workers the pool has --threads workers, named worker-N")
    void workersDefaultToThreads() throws Exception {
        try (RunningServer server = new ReactorThreadPoolModel().start(ServerConfig.builder().port(0).threads(2).build())) {
            assertThat(TestSupport.liveThreads("worker-")).containsExactly("worker-0", "worker-1");
        }
        assertThat(TestSupport.liveThreads("worker-")).isEmpty();
    }

    @Test
    @DisplayName("an invalid --workers or --queue is rejected before anything starts, naming the option")
    void invalidOptions() {
        ReactorThreadPoolModel model = new ReactorThreadPoolModel();
        assertThatThrownBy(() -> model.start(ServerConfig.builder().port(0).option("workers", "0").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workers");
        assertThatThrownBy(() -> model.start(ServerConfig.builder().port(0).option("queue", "many").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queue");
        assertThat(TestSupport.liveThreads("worker-", "reactor")).isEmpty();
    }

    @Test
    @DisplayName("a handler that throws closes only its connection; the workers carry on serving the others")
    void failingHandlerClosesItsConnection() throws Exception {
        byte[] poison = "poison".getBytes(StandardCharsets.US_ASCII);
        Handler picky = Handler.ofBytes(frame -> {
            if (java.util.Arrays.equals(frame, poison)) {
                throw new IllegalStateException("cannot handle this one");
            }
            return frame;
        });
        ServerConfig config = ServerConfig.builder().port(0).handler(picky).option("workers", "1").build();
        try (RunningServer server = new ReactorThreadPoolModel().start(config);
             EchoClient bad = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
             EchoClient good = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            assertThat(bad.echo(hello)).isEqualTo(hello);
            bad.send(poison);
            bad.send(hello);
            assertThat(bad.awaitServerClose()).as("the connection whose request failed is closed").isTrue();
            for (int i = 0; i < 10; i++) {
                assertThat(good.echo(hello)).isEqualTo(hello);
            }
            TestSupport.await("the closed connection counted", 10, () -> server.stats().getConnectionsOpen() == 1);
        }
    }
}
