package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class FailingHandlerTest {

    @Test
    @DisplayName("a handler that throws while the main loop runs a postponed read's commands closes only that connection")
    void handlerFailureClosesOnlyThatConnection() throws Exception {
        byte[] poison = "boom".getBytes(StandardCharsets.US_ASCII);
        ServerConfig config = ServerConfig.builder().port(0).option("io-threads", "3").handler(Handler.ofBytes(frame -> {
            if (Arrays.equals(frame, poison)) {
                throw new IllegalStateException("handler bug");
            }
            return frame;
        })).build();
        try (RunningServer server = new Redis6IoThreadsModel().start(config);
             EchoClient victim = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
             EchoClient bystander = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
            assertThat(bystander.echo(ok)).isEqualTo(ok);
            victim.send(poison);
            assertThat(victim.awaitServerClose()).as("the failing connection is closed").isTrue();
            assertThat(bystander.echo(ok)).as("the other connection is still served").isEqualTo(ok);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.stats().getConnectionsOpen() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(server.stats().getConnectionsOpen()).as("only the bystander stays open").isEqualTo(1);
        }
    }
}
