package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.conformancekit.Await;
import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class FailingHandlerTest {

    @Test
    @DisplayName("a handler that throws closes only its own connection; the reactor keeps serving the others")
    void handlerFailureClosesOnlyThatConnection() throws Exception {
        byte[] poison = "boom".getBytes(StandardCharsets.US_ASCII);
        ServerConfig config = ServerConfig.builder().port(0).handler(Handler.ofBytes(frame -> {
            if (java.util.Arrays.equals(frame, poison)) {
                throw new IllegalStateException("handler bug");
            }
            return frame;
        })).build();
        try (RunningServer server = new SingleThreadReactorModel().start(config);
             EchoClient victim = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
             EchoClient bystander = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
            assertThat(bystander.echo(ok)).isEqualTo(ok);
            victim.send(poison);
            assertThat(victim.awaitServerClose()).as("the failing connection is closed").isTrue();
            assertThat(bystander.echo(ok)).as("the other connection is still served").isEqualTo(ok);
            Await.awaitCondition("only the bystander stays open", Duration.ofSeconds(10),
                    () -> server.stats().getConnectionsOpen() == 1);
        }
    }
}
