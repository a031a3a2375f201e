package dev.reactorworkbench.threadperconnection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactorworkbench.conformancekit.LiveThreads;
import dev.reactorworkbench.conformancekit.Payloads;
import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What distinguishes the two models: the same roles, on platform or on virtual threads. */
class ThreadRolesTest {

    @Test
    @DisplayName("thread-per-connection runs one platform 'acceptor' and one platform 'conn-N' thread per connection")
    @Timeout(30)
    void platformModelUsesPlatformThreads() throws Exception {
        assertThat(threadsWhileTwoClientsAreConnected(new ThreadPerConnectionModel())).containsExactlyInAnyOrder(
                "acceptor (platform)", "conn-0 (platform)", "conn-1 (platform)");
    }

    @Test
    @DisplayName("virtual-thread-per-connection runs the same roles on virtual threads")
    @Timeout(30)
    void virtualModelUsesVirtualThreads() throws Exception {
        assertThat(threadsWhileTwoClientsAreConnected(new VirtualThreadPerConnectionModel())).containsExactlyInAnyOrder(
                "acceptor (virtual)", "conn-0 (virtual)", "conn-1 (virtual)");
    }

    @Test
    @DisplayName("both models are found by the ServiceLoader under their command-line names")
    void modelsAreRegistered() {
        assertThat(ServerModel.discover()).extracting(ServerModel::name)
                .contains("thread-per-connection", "virtual-thread-per-connection");
    }

    private static List<String> threadsWhileTwoClientsAreConnected(ServerModel model) throws Exception {
        Map<Long, LiveThreads.LiveThread> before = LiveThreads.snapshot();
        ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).build();
        try (RunningServer server = model.start(config);
             EchoClient a = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
             EchoClient b = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            // An echo on each proves both connections have their thread.
            a.echo(Payloads.random(1, 10));
            b.echo(Payloads.random(2, 10));
            return LiveThreads.startedSince(before).stream()
                    .map(t -> t.name() + (t.virtual() ? " (virtual)" : " (platform)"))
                    .toList();
        }
    }
}
