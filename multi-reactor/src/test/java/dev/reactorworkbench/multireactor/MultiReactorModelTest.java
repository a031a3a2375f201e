package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.conformancekit.Await;
import dev.reactorworkbench.conformancekit.LiveThreads;
import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.launcher.Launcher;
import dev.reactorworkbench.servercore.nio.Listeners;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The two models' flags, threads, close and launcher messages. */
@Timeout(60)
class MultiReactorModelTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    @DisplayName("both models are found by name through the ServiceLoader")
    void bothModelsAreRegistered() {
        assertThat(ServerModel.named("multi-reactor")).isInstanceOf(MultiReactorModel.class);
        assertThat(ServerModel.named("multi-reactor-reuseport")).isInstanceOf(MultiReactorReusePortModel.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "", "round_robin"})
    @DisplayName("an unknown --balance is refused, naming the flag and the two strategies, and nothing is left running")
    void unknownBalanceIsRefused(String balance) {
        Map<Long, LiveThreads.LiveThread> before = LiveThreads.snapshot();
        ServerConfig config = ServerConfig.builder().port(0).option("balance", balance).build();

        assertThatThrownBy(() -> new MultiReactorModel().start(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("balance", "round-robin", "least-connections", "'" + balance + "'");
        assertThat(LiveThreads.startedSince(before)).as("threads left by the failed start").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1025", "many"})
    @DisplayName("--reactors outside 1..1024 is refused by both models, naming the flag and the range")
    void reactorsOutOfRangeIsRefused(String reactors) throws Exception {
        for (ServerModel model : List.of(new MultiReactorModel(), new MultiReactorReusePortModel())) {
            // A fixed free port: after the refusal it must still be free, so nothing was bound.
            int port;
            try (ServerSocketChannel probe = Listeners.bind(ServerConfig.builder().port(0).build())) {
                port = probe.socket().getLocalPort();
            }
            ServerConfig config = ServerConfig.builder().port(port).option("reactors", reactors).build();

            assertThatThrownBy(() -> model.start(config)).as(model.name())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContainingAll("reactors", "1..1024", reactors);
            try (ServerSocketChannel again = Listeners.bind(config, port, false)) {
                assertThat(again.socket().getLocalPort()).as(model.name() + ": port still free").isEqualTo(port);
            }
        }
    }

    @Test
    @DisplayName("--reactors defaults to --threads, else to the number of cores")
    void reactorsDefaultToThreadsElseCores() {
        for (ServerModel model : List.of(new MultiReactorModel(), new MultiReactorReusePortModel())) {
            try (MultiReactorServer server = start(model, ServerConfig.builder().port(0).threads(3).build())) {
                assertThat(server.connectionsPerSubReactor()).as(model.name() + " with --threads 3").hasSize(3);
            }
            try (MultiReactorServer server = start(model, ServerConfig.builder().port(0).build())) {
                assertThat(server.connectionsPerSubReactor()).as(model.name() + " by default")
                        .hasSize(Runtime.getRuntime().availableProcessors());
            }
        }
    }

    @Test
    @DisplayName("multi-reactor runs a main-reactor thread and N sub-reactor threads; close() ends them all")
    void mainAndSubReactorThreads() {
        assertThreads(new MultiReactorModel(), List.of("main-reactor", "sub-reactor-0", "sub-reactor-1", "sub-reactor-2"));
    }

    @Test
    @DisplayName("multi-reactor-reuseport runs only the N sub-reactor threads; close() ends them all")
    void onlySubReactorThreadsWithReusePort() {
        assertThreads(new MultiReactorReusePortModel(), List.of("sub-reactor-0", "sub-reactor-1", "sub-reactor-2"));
    }

    private static void assertThreads(ServerModel model, List<String> expected) {
        Map<Long, LiveThreads.LiveThread> before = LiveThreads.snapshot();
        try (MultiReactorServer server = start(model, ServerConfig.builder().port(0).option("reactors", "3").build())) {
            assertThat(LiveThreads.startedSince(before)).extracting(LiveThreads.LiveThread::name)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(LiveThreads.startedSince(before)).as("threads alive after close()").isEmpty();
    }

    @Test
    @DisplayName("with port 0, every SO_REUSEPORT listener joins the ephemeral port the first one got (Linux: /proc/net/tcp*)")
    void everyReusePortListenerSharesThePort() throws Exception {
        assumeThat(Files.isReadable(Path.of("/proc/net/tcp"))).as("Linux /proc/net/tcp").isTrue();
        try (MultiReactorServer server = start(new MultiReactorReusePortModel(),
                ServerConfig.builder().port(0).option("reactors", "4").build())) {
            assertThat(listenersOn(server.port())).as("listening sockets on port " + server.port()).isEqualTo(4);
        }
        try (MultiReactorServer server = start(new MultiReactorModel(),
                ServerConfig.builder().port(0).option("reactors", "4").build())) {
            assertThat(listenersOn(server.port())).as("multi-reactor: only the main reactor listens").isEqualTo(1);
        }
    }

    /**
     * Sockets in state LISTEN (0A) on {@code port}, IPv4 or dual-stack (Java's default socket is
     * IPv6 and shows up in tcp6); a line reads "0: 0100007F:1F40 00000000:0000 0A ...".
     */
    private static long listenersOn(int port) throws java.io.IOException {
        String hexPort = String.format(":%04X", port);
        long count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            if (!Files.isReadable(Path.of(table))) {
                continue;
            }
            try (var lines = Files.lines(Path.of(table))) {
                count += lines.skip(1).map(String::trim).map(line -> line.split("\\s+"))
                        .filter(f -> f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A"))
                        .count();
            }
        }
        return count;
    }

    @ParameterizedTest
    @ValueSource(strings = {"multi-reactor", "multi-reactor-reuseport"})
    @DisplayName("close() answers every request already read on every sub-reactor, then closes each connection")
    void closeDrainsEverySubReactor(String modelName) throws Exception {
        int connections = 8;
        int frames = 50;
        List<EchoClient> clients = new ArrayList<>();
        MultiReactorServer server = start(ServerModel.named(modelName), ServerConfig.builder().port(0).option("reactors", "4").build());
        try {
            // 1. 8 connections (two per sub-reactor with round-robin) each pipeline 50 requests, reading nothing.
            for (int c = 0; c < connections; c++) {
                EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE);
                clients.add(client);
                for (int i = 0; i < frames; i++) {
                    client.send(payload(c, i));
                }
            }
            // 2. Close once the server has read every request (the replies fit the socket buffers).
            Await.awaitValue("requests read", WAIT, server.stats()::getMessagesIn, (long) connections * frames);
            server.close();

            // 3. Every connection gets all its replies in order, then EOF.
            for (int c = 0; c < connections; c++) {
                for (int i = 0; i < frames; i++) {
                    assertThat(clients.get(c).receive()).as("connection " + c + ", reply " + i).isEqualTo(payload(c, i));
                }
                assertThatThrownBy(clients.get(c)::receive).as("connection " + c + " after its last reply")
                        .isInstanceOf(EOFException.class);
            }
            assertThat(server.connectionsPerSubReactor()).containsOnly(0);
            assertThat(server.stats().getConnectionsOpen()).isZero();
        } finally {
            clients.forEach(EchoClient::close);
            server.close();
        }
    }

    @Test
    @DisplayName("the launcher shows the model's flags in --help and refuses a bad --balance in one line")
    void launcherFlags() {
        Output help = launch(new MultiReactorModel(), "--help");
        assertThat(help.code).isZero();
        assertThat(help.out).contains("--reactors", "--balance", "round-robin", "least-connections");
        assertThat(launch(new MultiReactorReusePortModel(), "--help").out).contains("--reactors").doesNotContain("--balance");

        Output bad = launch(new MultiReactorModel(), "--port", "0", "--balance", "fastest");
        assertThat(bad.code).isEqualTo(Launcher.USAGE);
        assertThat(bad.err.lines()).containsExactly(
                "multi-reactor: --balance must be round-robin or least-connections, was 'fastest'");
    }

    @Test
    @DisplayName("where SO_REUSEPORT is missing, the launcher says so in one clean line")
    void missingReusePortIsOneLine() {
        // This platform may well have SO_REUSEPORT, so stand in for Listeners.bind's refusal.
        ServerModel withoutReusePort = new ServerModel() {
            @Override
            public String name() {
                return new MultiReactorReusePortModel().name();
            }

            @Override
            public String description() {
                return new MultiReactorReusePortModel().description();
            }

            @Override
            public RunningServer start(ServerConfig config) {
                throw new UnsupportedOperationException(
                        "SO_REUSEPORT is not supported on this platform (Plan 9); use the multi-reactor model instead");
            }
        };

        Output result = launch(withoutReusePort, "--port", "0");

        assertThat(result.code).isEqualTo(1);
        assertThat(result.err.lines()).containsExactly("multi-reactor-reuseport: cannot start: "
                + "SO_REUSEPORT is not supported on this platform (Plan 9); use the multi-reactor model instead");
    }

    private static MultiReactorServer start(ServerModel model, ServerConfig config) {
        try {
            return (MultiReactorServer) model.start(config);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] payload(int connection, int frame) {
        return ByteBuffer.allocate(8).putInt(connection).putInt(frame).array();
    }

    private record Output(int code, String out, String err) {
    }

    private static Output launch(ServerModel model, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CountDownLatch stop = new CountDownLatch(0); // a server that does start is closed at once
        int code = Launcher.execute(model, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), stop, false);
        return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
