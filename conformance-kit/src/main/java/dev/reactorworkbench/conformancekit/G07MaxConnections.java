package dev.reactorworkbench.conformancekit;

import static dev.reactorworkbench.conformancekit.Await.awaitCondition;
import static dev.reactorworkbench.conformancekit.Await.awaitValue;
import static dev.reactorworkbench.conformancekit.Payloads.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Guarantee 7: over max connections, new connections are closed at once and counted. */
public abstract class G07MaxConnections extends Guarantee {

    protected G07MaxConnections(ServerUnderTest target) {
        super(target);
    }

    @Test
    @DisplayName("connections over the limit are closed at once and counted; admitted ones keep working")
    @Timeout(60)
    void connectionsOverTheLimitAreClosedAndCounted() throws Exception {
        int max = 5;
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).maxConnections(max));
        ServerStats stats = server.stats();
        List<EchoClient> admitted = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            EchoClient c = connect(server, LENGTH_PREFIXED);
            assertSameBytes("echo on admitted connection " + i, Payloads.random(i, 32), c.echo(Payloads.random(i, 32)));
            admitted.add(c);
        }
        awaitValue("open connections", WAIT, stats::getConnectionsOpen, max);

        for (int extra = 0; extra < 2; extra++) {
            EchoClient over = connect(server, LENGTH_PREFIXED);
            try {
                over.send(Payloads.random(100 + extra, 32));
            } catch (IOException e) {
                // already reset by the server: that is a close too
            }
            assertClosedByServer(over, "connection " + (max + 1 + extra) + " over the limit of " + max);
        }
        awaitValue("connections rejected", WAIT, stats::getConnectionsRejected, 2);

        for (int i = 0; i < max; i++) {
            byte[] p = Payloads.random(200 + i, 64);
            assertSameBytes("admitted connection " + i + " after the rejections", p, admitted.get(i).echo(p));
        }
        assertThat(stats.getConnectionsOpen()).as("open connections").isEqualTo(max);

        // One admitted connection leaves: a new one gets in (once the server has seen it leave).
        admitted.getFirst().close();
        awaitValue("open connections after one closed", WAIT, stats::getConnectionsOpen, max - 1);
        awaitCondition("a new connection is admitted after one closed", WAIT, () -> echoesOnNewConnection(server));
        awaitValue("open connections", WAIT, stats::getConnectionsOpen, max);
    }

    private boolean echoesOnNewConnection(RunningServer server) {
        try {
            EchoClient client = connect(server, LENGTH_PREFIXED);
            byte[] p = Payloads.random(300, 64);
            return Arrays.equals(p, client.echo(p));
        } catch (IOException e) {
            return false; // rejected: the server has not counted the close yet
        }
    }
}
