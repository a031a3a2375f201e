package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.conformancekit.Await;
import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Where connections go: 400 connections over 4 sub-reactors, one connection at a time, each
 * located by the per-sub-reactor counts it changes.
 */
@Timeout(60)
class SubReactorBalancingTest {

    private static final int SUB_REACTORS = 4;
    private static final int CONNECTIONS = 400;
    private static final Duration WAIT = Duration.ofSeconds(10);

    // Test thread only; closed after each test, clients first.
    private final List<EchoClient> clients = new ArrayList<>();
    private MultiReactorServer server;

    @AfterEach
    void closeEverything() {
        clients.forEach(EchoClient::close);
        if (server != null) {
            server.close();
        }
    }

    @Test
    @DisplayName("round-robin: connection k goes to sub-reactor k mod 4, so 400 connections are exactly 100 each")
    void roundRobinGivesEachSubReactorExactlyItsShare() throws Exception {
        server = start(new MultiReactorModel(), "round-robin");

        for (int k = 0; k < CONNECTIONS; k++) {
            assertThat(connectAndLocate()).as("sub-reactor of connection " + k).isEqualTo(k % SUB_REACTORS);
        }

        assertThat(server.connectionsPerSubReactor()).containsExactly(100, 100, 100, 100);
        assertThat(server.stats().getConnectionsOpen()).isEqualTo(CONNECTIONS);
        echoOnEveryConnection();

        // Every sub-reactor notices its clients leave: the counts go back to zero.
        clients.forEach(EchoClient::close);
        awaitCounts("every sub-reactor empty after the clients closed", new int[] {0, 0, 0, 0});
        Await.awaitValue("open connections", WAIT, server.stats()::getConnectionsOpen, 0);
    }

    @Test
    @DisplayName("least-connections: after connections on some sub-reactors close, new ones go to the emptiest")
    void leastConnectionsRefillsTheEmptiestSubReactor() throws Exception {
        server = start(new MultiReactorModel(), "least-connections");
        List<List<EchoClient>> bySubReactor = new ArrayList<>();
        for (int i = 0; i < SUB_REACTORS; i++) {
            bySubReactor.add(new ArrayList<>());
        }

        // 1. 400 connections, each to a sub-reactor holding the fewest at that moment: 100 each.
        for (int k = 0; k < CONNECTIONS; k++) {
            int[] before = server.connectionsPerSubReactor();
            int chosen = connectAndLocate();
            assertThat(before[chosen]).as("connection " + k + " went to sub-reactor " + chosen + " while counts were "
                    + Arrays.toString(before)).isEqualTo(Arrays.stream(before).min().orElseThrow());
            bySubReactor.get(chosen).add(clients.getLast());
        }
        assertThat(server.connectionsPerSubReactor()).containsExactly(100, 100, 100, 100);

        // 2. Close 30 connections of sub-reactor 2 and 10 of sub-reactor 0: the counts say which closed.
        closeSome(bySubReactor.get(2), 30);
        closeSome(bySubReactor.get(0), 10);
        awaitCounts("counts after closing 10 on sub-reactor 0 and 30 on sub-reactor 2", new int[] {90, 100, 70, 100});

        // 3. 40 new connections: the first 20 all go to sub-reactor 2 (70 up to 90), then the two
        //    emptiest take turns, the lower index first on a tie, until all hold 100 again.
        List<Integer> refill = new ArrayList<>();
        for (int k = 0; k < 40; k++) {
            int[] before = server.connectionsPerSubReactor();
            int chosen = connectAndLocate();
            assertThat(before[chosen]).as("new connection " + k + " went to sub-reactor " + chosen + " while counts were "
                    + Arrays.toString(before)).isEqualTo(Arrays.stream(before).min().orElseThrow());
            refill.add(chosen);
        }
        assertThat(refill.subList(0, 20)).as("the first 20 new connections").containsOnly(2);
        assertThat(refill.subList(20, 40)).as("the next 20").containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 20).mapToObj(i -> i % 2 == 0 ? 0 : 2).toList());
        assertThat(server.connectionsPerSubReactor()).containsExactly(100, 100, 100, 100);
        echoOnEveryConnection();
    }

    @Test
    @DisplayName("SO_REUSEPORT: the kernel spreads 400 connections over the 4 listeners; every one is served")
    void reusePortServesEveryConnection() throws Exception {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            assumeThat(probe.supportedOptions()).as("SO_REUSEPORT on this platform").contains(StandardSocketOptions.SO_REUSEPORT);
        }
        server = start(new MultiReactorReusePortModel(), null);

        for (int k = 0; k < CONNECTIONS; k++) {
            connect();
        }
        echoOnEveryConnection(); // once a connection echoed, its sub-reactor has counted it

        int[] counts = server.connectionsPerSubReactor();
        System.out.println("SO_REUSEPORT spread of " + CONNECTIONS + " connections over " + SUB_REACTORS
                + " sub-reactors: " + Arrays.toString(counts));
        // The spread itself is the kernel's hash of addresses and ports, not a promise: only the sum is.
        assertThat(counts).hasSize(SUB_REACTORS);
        assertThat(Arrays.stream(counts).sum()).as("connections over all sub-reactors").isEqualTo(CONNECTIONS);
        assertThat(server.stats().getConnectionsOpen()).isEqualTo(CONNECTIONS);
        assertThat(server.stats().getConnectionsAccepted()).isEqualTo(CONNECTIONS);
    }

    private static MultiReactorServer start(ServerModel model, String balance) throws IOException {
        ServerConfig config = ServerConfig.builder().port(0)
                .option("reactors", String.valueOf(SUB_REACTORS))
                .option("balance", balance)
                .build();
        return (MultiReactorServer) model.start(config);
    }

    private EchoClient connect() throws IOException {
        EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
        clients.add(client);
        return client;
    }

    /**
     * Opens one connection and returns the index of the sub-reactor it went to: the one whose
     * count went up by one (the main reactor counts it at hand-off, after the handshake).
     */
    private int connectAndLocate() throws IOException {
        int[] before = server.connectionsPerSubReactor();
        int total = Arrays.stream(before).sum();
        connect();
        Await.awaitCondition("the new connection handed to a sub-reactor", WAIT,
                () -> Arrays.stream(server.connectionsPerSubReactor()).sum() == total + 1);
        int[] after = server.connectionsPerSubReactor();
        int grown = -1;
        for (int i = 0; i < after.length; i++) {
            if (after[i] != before[i]) {
                assertThat(grown).as("only one count changed: " + Arrays.toString(before) + " -> " + Arrays.toString(after)).isEqualTo(-1);
                assertThat(after[i]).isEqualTo(before[i] + 1);
                grown = i;
            }
        }
        return grown;
    }

    private void echoOnEveryConnection() throws IOException {
        for (int i = 0; i < clients.size(); i++) {
            byte[] payload = ("connection " + i).getBytes(StandardCharsets.US_ASCII);
            if (!clients.get(i).socket().isClosed()) {
                assertThat(clients.get(i).echo(payload)).isEqualTo(payload);
            }
        }
    }

    private void closeSome(List<EchoClient> onOneSubReactor, int n) {
        for (int i = 0; i < n; i++) {
            onOneSubReactor.removeLast().close();
        }
    }

    private void awaitCounts(String what, int[] expected) {
        try {
            Await.awaitCondition(what, WAIT, () -> Arrays.equals(server.connectionsPerSubReactor(), expected));
        } catch (AssertionError e) {
            assertThat(server.connectionsPerSubReactor()).as(what).containsExactly(expected);
            throw e;
        }
    }
}
