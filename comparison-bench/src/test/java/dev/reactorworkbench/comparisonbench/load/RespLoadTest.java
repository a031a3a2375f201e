package dev.reactorworkbench.comparisonbench.load;

import dev.reactorworkbench.echoprotocol.codec.RespCodec;
import dev.reactorworkbench.echoprotocol.resp.KeyspaceHandler;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The load generator's RESP mode (--protocol resp) against models serving the keyspace. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RespLoadTest {

    private static final String HOST = "127.0.0.1";

    @AfterEach
    void noClientThreadOutlivesItsRun() {
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("load-client-") && t.isAlive());
    }

    private static RunningServer start(String model, Handler handler) throws IOException {
        return ServerModel.named(model).start(ServerConfig.builder().host(HOST).port(0)
                .codec(RespCodec.INSTANCE).handler(handler).build());
    }

    private static LoadSpec resp(int port, int connections, int depth, int payload, long maxRequests) {
        return LoadSpec.closedLoop(HOST, port, connections, depth, payload, Duration.ofSeconds(30))
                .withThreads(Math.min(2, connections)).withMaxRequests(maxRequests).withProtocol(LoadProtocol.RESP);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"single-thread-reactor", "reactor-threadpool"})
    @DisplayName("a SET/GET mix over pipelined connections: every reply checks out, and the keys stay bounded")
    void setGetMix(String model) throws Exception {
        KeyspaceHandler handler = KeyspaceHandler.forModel(ServerModel.named(model), 0);
        try (RunningServer server = start(model, handler)) {
            // 1,000 requests per connection: 500 SETs, 500 GETs, over 64 keys per connection.
            LoadResult result = LoadGenerator.run(resp(server.port(), 4, 16, 100, 1_000));

            assertThat(result.errors()).isEmpty();
            assertThat(result.repliesReceived()).isEqualTo(4_000);
            assertThat(result.latency().getTotalCount()).isEqualTo(4_000);
            assertThat(server.stats().snapshot().messagesIn()).isEqualTo(4_000);
            assertThat(handler.keyspace().size()).isEqualTo(4 * RespRequests.KEYS);
        }
    }

    @Test
    @DisplayName("payloads of 0 bytes and of several reads' worth are written and checked whole")
    void payloadSizes() throws Exception {
        try (RunningServer server = start("single-thread-reactor", KeyspaceHandler.forModel(ServerModel.named("single-thread-reactor"), 0))) {
            assertThat(LoadGenerator.run(resp(server.port(), 2, 4, 0, 200)).errors()).isEmpty();
            assertThat(LoadGenerator.run(resp(server.port(), 2, 3, 200_001, 20)).errors()).isEmpty();
        }
    }

    @Test
    @DisplayName("a GET that returns another value fails the run, naming the request")
    void wrongValueFails() throws Exception {
        KeyspaceHandler real = KeyspaceHandler.forModel(ServerModel.named("single-thread-reactor"), 0);
        AtomicLong calls = new AtomicLong();
        // The 52nd command is request #51, the GET of what #50 set: flip one bit of its value.
        Handler corrupting = Handler.ofBytes(frame -> {
            byte[] reply = real.handle(frame);
            if (calls.incrementAndGet() == 52 && reply[0] == '$' && reply.length > 8) {
                reply = reply.clone();
                reply[reply.length - 3] ^= 1;
            }
            return reply;
        });
        try (RunningServer server = start("single-thread-reactor", corrupting)) {
            LoadResult result = LoadGenerator.run(resp(server.port(), 1, 1, 16, 200));

            assertThat(result.ok()).isFalse();
            assertThat(result.firstError()).contains("request #51").contains("differs from the value request #50 set");
        }
    }

    @Test
    @DisplayName("an error reply in place of +OK fails the run and quotes the server's error")
    void errorReplyFails() throws Exception {
        Handler refusing = Handler.ofBytes(frame -> "-ERR out of memory\r\n".getBytes(StandardCharsets.US_ASCII));
        try (RunningServer server = start("single-thread-reactor", refusing)) {
            LoadResult result = LoadGenerator.run(resp(server.port(), 1, 1, 16, 10));

            assertThat(result.ok()).isFalse();
            assertThat(result.firstError()).contains("request #0 (SET load:0:0) is not +OK").contains("-ERR out of memory");
        }
    }

    @Test
    @DisplayName("--protocol takes echo or resp")
    void protocolNames() {
        assertThat(LoadProtocol.named("RESP")).isEqualTo(LoadProtocol.RESP);
        assertThat(LoadProtocol.named("echo")).isEqualTo(LoadProtocol.ECHO);
        assertThatIllegalArgumentException().isThrownBy(() -> LoadProtocol.named("http"))
                .withMessage("protocol must be echo or resp, was 'http'");
    }
}
