package dev.reactorworkbench.redisinterop;

import dev.reactorworkbench.echoprotocol.server.ServerStats;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every model does with a RESP connection that ends the conversation: a protocol error, a
 * client that sends half a command and leaves, {@code QUIT}. The connection closes, the server
 * carries on, and (the {@code CloseConnectionException} contract) the replies owed and Redis's
 * farewell are written before the close.
 */
@Timeout(60)
class CloseContractTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static Stream<String> models() {
        return ModelServers.names();
    }

    /** Writes {@code bytes} on a fresh connection and returns everything the server sent until it closed. */
    private static String sendAndReadToClose(int port, String bytes) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(bytes.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            try {
                int b;
                while ((b = in.read()) >= 0) {
                    got.write(b);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server did not close the connection within " + WAIT.toSeconds()
                        + " s; it sent '" + got.toString(StandardCharsets.ISO_8859_1) + "'");
            } catch (SocketException reset) {
                // closed with a reset: what was read so far is all there is
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void awaitValue(String what, LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (value.getAsLong() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " was " + value.getAsLong() + ", expected " + expected);
            }
            Thread.sleep(20);
        }
    }

    /** Another connection is served as usual, and every connection is gone once the clients are. */
    private static void serverUnaffected(ModelServers.Started server) throws Exception {
        try (RespClient other = new RespClient(server.port(), WAIT)) {
            assertThat(other.call("SET", "after", "ok")).isEqualTo("+OK\r\n");
            assertThat(other.call("GET", "after")).isEqualTo("$2\r\nok\r\n");
        }
        ServerStats stats = server.server().stats();
        awaitValue("open connections", stats::getConnectionsOpen, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    @DisplayName("a protocol error closes that connection only, counted once; the server carries on")
    void protocolErrorClosesOnlyThatConnection(String model) throws Exception {
        try (ModelServers.Started server = ModelServers.start(model)) {
            sendAndReadToClose(server.port(), "*1\r\n$-1\r\n");

            awaitValue("protocol errors", server.server().stats()::getProtocolErrors, 1);
            serverUnaffected(server);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    @DisplayName("a client that sends half a command and closes costs nothing: no error, no leak")
    void halfACommandThenGone(String model) throws Exception {
        try (ModelServers.Started server = ModelServers.start(model)) {
            try (RespClient half = new RespClient(server.port(), WAIT)) {
                half.sendRaw("*2\r\n$3\r\nGET\r\n$3\r\nke".getBytes(StandardCharsets.US_ASCII));
            }
            serverUnaffected(server);
            assertThat(server.server().stats().getProtocolErrors()).isZero();
        }
    }

    // tag::contract[]
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    @Disabled("enabled at merge: needs the CloseConnectionException contract in every model (core/kit branches)")
    @DisplayName("a protocol error: the replies owed first, then Redis's error, then the close")
    void protocolErrorFarewell(String model) throws Exception {
        try (ModelServers.Started server = ModelServers.start(model)) {
            String got = sendAndReadToClose(server.port(), "SET a 1\r\nGET a\r\n*1\r\n$-1\r\nPING\r\n");

            assertThat(got).isEqualTo("+OK\r\n$1\r\n1\r\n-ERR Protocol error: invalid bulk length\r\n");
            assertThat(server.server().stats().getProtocolErrors()).isEqualTo(1);
            serverUnaffected(server);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    @Disabled("enabled at merge: needs the CloseConnectionException contract in every model (core/kit branches)")
    @DisplayName("QUIT: the replies owed, +OK, then the close; nothing after it runs, nothing is counted as an error")
    void quit(String model) throws Exception {
        try (ModelServers.Started server = ModelServers.start(model)) {
            String got = sendAndReadToClose(server.port(), "INCR n\r\nQUIT\r\nINCR n\r\n");

            assertThat(got).isEqualTo(":1\r\n+OK\r\n");
            try (RespClient client = new RespClient(server.port(), WAIT)) {
                assertThat(client.call("GET", "n")).as("the INCR after QUIT never ran").isEqualTo("$1\r\n1\r\n");
            }
            assertThat(server.server().stats().getProtocolErrors()).isZero();
            serverUnaffected(server);
        }
    }
    // end::contract[]
}
