package dev.reactorworkbench.conformancekit;

import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;

import java.io.EOFException;
import java.lang.reflect.Method;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The base of every guarantee's test class ({@code G01ExactEcho} ... {@code G10NoConnectionStarves},
 * numbered as DESIGN.md and the docs' protocol chapter number the guarantees): it starts the
 * server under test and the clients a scenario asks for, and closes all of them after each test.
 *
 * <p>Every test starts its own server on {@code 127.0.0.1}, port 0. Every wait is a bounded poll
 * ({@link Await}), every client read has a timeout and every test a {@link Timeout}, so a broken
 * model fails instead of hanging. A scenario in a codec the server does not speak
 * ({@link ServerUnderTest#codecs()}) is skipped with the reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Guarantee.KnownFailures.class)
public abstract class Guarantee {

    /** Bound for waiting on the server's side of things (a counter, a close). Generous: CI is slow. */
    protected static final Duration WAIT = Duration.ofSeconds(10);
    /** Read timeout of every kit client: a server that owes a reply has this long to send it. */
    protected static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    protected static final int MIB = ServerConfig.MIB;
    protected static final Codec LENGTH_PREFIXED = LengthPrefixedCodec.INSTANCE;

    private final ServerUnderTest target;

    // Test thread only: what this test started, closed by closeEverything() whatever happened.
    private final List<EchoClient> clients = new ArrayList<>();
    private final List<RunningServer> servers = new ArrayList<>();

    protected Guarantee(ServerUnderTest target) {
        this.target = target;
    }

    /** The server under test. */
    protected ServerUnderTest target() {
        return target;
    }

    /**
     * Starts the model on 127.0.0.1, an ephemeral port, with the target's settings and then
     * {@code scenario}'s; skips the test when the server does not speak the scenario's codec.
     */
    protected RunningServer startServer(UnaryOperator<ServerConfig.Builder> scenario) throws IOException {
        ServerConfig.Builder builder = target.configure(ServerConfig.builder().host("127.0.0.1").port(0));
        ServerConfig config = scenario.apply(builder.host("127.0.0.1").port(0)).build();
        assumeSpeaks(config.codec());
        RunningServer server = target.model().start(config);
        servers.add(server);
        return server;
    }

    /** Skips the test (with the reason) unless the server under test speaks {@code codec}. */
    protected void assumeSpeaks(Codec codec) {
        List<String> spoken = target.codecs().stream().map(Codec::name).toList();
        Assumptions.assumeTrue(spoken.contains(codec.name()), () -> target.model().name() + " speaks only "
                + spoken + ", not the " + codec.name() + " codec this scenario needs (declared by its test's codecs())");
    }

    /** A client with the kit's read timeout; closed after the test. */
    protected EchoClient connect(RunningServer server, Codec codec) throws IOException {
        EchoClient client = EchoClient.connect(server.address(), codec, MIB, READ_TIMEOUT);
        clients.add(client);
        return client;
    }

    @AfterEach
    void closeEverything() {
        // Clients first: a server owing replies to a client that is gone does not wait for it.
        for (EchoClient c : clients) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // already closed or reset
            }
        }
        clients.clear();
        // Then every server, even if one of them fails to close; the first failure fails the test.
        RuntimeException failure = null;
        for (RunningServer s : servers) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        servers.clear();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Disables, with the measured reason, the scenarios the server under test declares it does not
     * meet ({@link ServerUnderTest#knownFailures()}): {@code @Disabled} for one server only.
     */
    static final class KnownFailures implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Object instance = context.getTestInstance().orElse(null);
            Method method = context.getTestMethod().orElse(null);
            if (instance instanceof Guarantee g && method != null) {
                String reason = g.target.knownFailures().get(method.getName());
                if (reason != null) {
                    return ConditionEvaluationResult.disabled(g.target.model().name() + " does not meet this scenario: " + reason);
                }
            }
            return ConditionEvaluationResult.enabled("");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers shared by the scenarios; public where a model's own tests may want them.

    /**
     * Asserts the server closes {@code client}'s connection (EOF or reset) before the read timeout,
     * without sending it anything.
     */
    public static void assertClosedByServer(EchoClient client, String what) {
        try {
            byte[] reply = client.receive();
            throw new AssertionError(what + ": expected the server to close it, but it sent a reply of "
                    + reply.length + " bytes");
        } catch (EOFException e) {
            // closed cleanly
        } catch (SocketTimeoutException e) {
            throw new AssertionError(what + ": still open after the " + READ_TIMEOUT.toMillis() + " ms read timeout");
        } catch (IOException e) {
            // reset by the server: closed too
        }
    }

    /** Closes {@code client} with an RST instead of a FIN (SO_LINGER 0), as a crashed peer would. */
    public static void reset(EchoClient client) throws IOException {
        client.socket().setSoLinger(true, 0);
        client.close();
    }
}
