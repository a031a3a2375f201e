package dev.reactorworkbench.redisinterop;

import dev.reactorworkbench.echoprotocol.resp.KeyspaceHandler;
import dev.reactorworkbench.echoprotocol.resp.PlainKeyspace;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The confinement claim, proved by counts: a model that declares {@code HandlerThreads.ONE} gets
 * the plain {@code HashMap} keyspace, and under load from many connections no thread but its owner
 * ever touches it. The control makes the same check fail: a model that runs handlers on several
 * threads, handed the plain map on purpose, is caught touching it from another thread.
 */
@Timeout(120)
class KeyspaceConfinementTest {

    private static final int CONNECTIONS = 16;
    private static final int ROUNDS = 5;
    private static final int PIPELINE = 200; // commands sent before their replies are read

    static Stream<String> oneThreadModels() {
        return ModelServers.names().filter(n -> ServerModel.named(n).handlerThreads() == ServerModel.HandlerThreads.ONE);
    }

    static Stream<String> severalThreadModels() {
        return ModelServers.names().filter(n -> ServerModel.named(n).handlerThreads() == ServerModel.HandlerThreads.SEVERAL);
    }

    /**
     * {@link #CONNECTIONS} clients at once, each pipelining INCRs on one shared key and SET/GETs
     * of its own key, checking every reply. Returns the errors seen (none expected).
     */
    private static List<String> load(int port) throws Exception {
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            int id = c;
            clients.add(Thread.ofPlatform().name("resp-client-" + c).start(() -> {
                try (RespClient client = new RespClient(port, Duration.ofSeconds(60))) {
                    for (int round = 0; round < ROUNDS; round++) {
                        for (int i = 0; i < PIPELINE; i++) {
                            client.send("INCR", "shared");
                            client.send("SET", "own:" + id, "v" + i);
                            client.send("GET", "own:" + id);
                        }
                        for (int i = 0; i < PIPELINE; i++) {
                            String incr = client.reply();
                            String set = client.reply();
                            String get = client.reply();
                            String want = "$" + ("v" + i).length() + "\r\nv" + i + "\r\n";
                            if (!incr.startsWith(":") || !set.equals("+OK\r\n") || !get.equals(want)) {
                                errors.add("client " + id + ": " + incr + set + get);
                            }
                        }
                    }
                } catch (Exception e) {
                    errors.add("client " + id + ": " + e);
                }
            }));
        }
        for (Thread t : clients) {
            t.join(Duration.ofSeconds(90));
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }
        return List.copyOf(errors);
    }

    // tag::confinement[]
    @ParameterizedTest(name = "{0}")
    @MethodSource("oneThreadModels")
    @DisplayName("a one-thread model gets the plain map, and no other thread ever touches it")
    void oneThreadOwnsThePlainMap(String model) throws Exception {
        try (ModelServers.Started server = ModelServers.start(model)) {
            PlainKeyspace keyspace = (PlainKeyspace) server.handler().keyspace();

            assertThat(load(server.port())).isEmpty();

            try (RespClient client = new RespClient(server.port(), Duration.ofSeconds(30))) {
                assertThat(client.call("GET", "shared")).isEqualTo("$5\r\n" + CONNECTIONS * ROUNDS * PIPELINE + "\r\n");
            }
            assertThat(keyspace.foreignCalls()).as("calls from a thread other than %s", keyspace.owner()).isZero();
            assertThat(keyspace.owner().getName()).as("the owner is the server's own thread").doesNotStartWith("resp-client");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("severalThreadModels")
    @DisplayName("control: a model that runs handlers on several threads, handed the plain map, is caught")
    void severalThreadsAreCaught(String model) throws Exception {
        KeyspaceHandler plain = new KeyspaceHandler(new PlainKeyspace(), 0); // the wrong choice, on purpose
        try (ModelServers.Started server = ModelServers.start(ServerModel.named(model), plain)) {
            load(server.port()); // replies may be wrong: the map is not safe here

            assertThat(((PlainKeyspace) plain.keyspace()).foreignCalls())
                    .as("calls from threads other than the first caller").isPositive();
        }
    }
    // end::confinement[]
}
