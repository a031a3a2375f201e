package dev.reactorworkbench.comparisonbench;

import dev.reactorworkbench.comparisonbench.reference.NettyReferenceModel;
import dev.reactorworkbench.comparisonbench.reference.NettyTransport;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class WorkbenchLoadTest {

    @Test
    @DisplayName("workbench load drives a server (here Netty's NIO reference) and reports an open-loop run")
    void loadSubcommand() throws Exception {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).threads(1).build();
        try (RunningServer server = new NettyReferenceModel(NettyTransport.NIO).start(config)) {
            int code = new Workbench(out, err, new CountDownLatch(1), false).execute("load",
                    "--port", String.valueOf(server.port()), "--connections", "2", "--rate", "500",
                    "--duration", "1s", "--warmup", "0s");

            assertThat(code).as(errBytes.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(outBytes.toString(StandardCharsets.UTF_8))
                    .contains("open loop at 500 msgs/s")
                    .contains("from each request's due time")
                    .contains("requests    500 sent, 500 replies checked");
            assertThat(server.stats().getMessagesOut()).isEqualTo(500);
        }
    }

    @Test
    @DisplayName("workbench --help lists load")
    void helpListsLoad() {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        new Workbench(out, out, new CountDownLatch(1), false).execute("--help");
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("load").contains("./workbench load");
    }
}
