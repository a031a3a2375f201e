package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class ReactorSmokeTest {

    @Test
    @DisplayName("the reactor echoes a frame and counts it")
    void echoes() throws Exception {
        try (RunningServer server = new SingleThreadReactorModel().start(ServerConfig.builder().port(0).build());
             EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            assertThat(client.echo(hello)).isEqualTo(hello);
            assertThat(server.stats().getMessagesIn()).isEqualTo(1);
        }
    }
}
