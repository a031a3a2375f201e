package dev.reactorworkbench.conformancekit;

import static dev.reactorworkbench.conformancekit.Await.awaitValue;
import static dev.reactorworkbench.conformancekit.Payloads.assertSameBytes;

import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guarantee 2: replies on one connection come back in request order, also when a worker pool
 * handles them concurrently.
 */
public abstract class G02RequestOrder extends Guarantee {

    protected G02RequestOrder(ServerUnderTest target) {
        super(target);
    }

    @ParameterizedTest(name = "handler work {0} us")
    @ValueSource(ints = {0, 50})
    @DisplayName("1,000 pipelined frames on one connection come back in request order")
    @Timeout(60)
    void pipelinedRepliesComeBackInRequestOrder(int workMicros) throws Exception {
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).handler(new EchoHandler(workMicros)));
        EchoClient client = connect(server, LENGTH_PREFIXED);
        int count = 1_000;

        ClientTask writer = ClientTask.start(() -> {
            for (int i = 0; i < count; i++) {
                client.send(Payloads.sequenced(i, 4 + (i * 131) % 509));
            }
        });
        for (int i = 0; i < count; i++) {
            byte[] reply = client.receive();
            int sequence = Payloads.sequenceOf(reply);
            if (sequence != i) {
                throw new AssertionError("reply #" + i + " carries request #" + sequence + ": replies out of request order");
            }
            assertSameBytes("reply #" + i, Payloads.sequenced(i, 4 + (i * 131) % 509), reply);
        }
        writer.join(WAIT);
        awaitValue("messages out", WAIT, server.stats()::getMessagesOut, count);
    }
}
