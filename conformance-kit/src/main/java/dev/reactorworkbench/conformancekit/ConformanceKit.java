package dev.reactorworkbench.conformancekit;

import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.io.IOException;

import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestClassOrder;

/**
 * The behaviour every model guarantees (DESIGN.md, "Behaviour every model guarantees", and the
 * docs' protocol chapter), as tests: one test class per guarantee, numbered as there. A model's
 * test is a few lines:
 * <pre>{@code
 * class ThreadPerConnectionConformanceTest extends ConformanceKit {
 *     @Override public ServerModel model() { return new ThreadPerConnectionModel(); }
 * }
 * }</pre>
 * and may override {@link #configure} to set model options, or {@link #codecs} to declare that it
 * speaks fewer codecs (the scenarios in the others are then skipped, with the reason).
 *
 * <p>Each guarantee below runs as a nested class of the model's test, in order:
 * {@link G01ExactEcho} ... {@link G10NoConnectionStarves}. Guarantee 9 (out of file descriptors)
 * is not among them: it needs the server in a child JVM under {@code prlimit}, so each model runs
 * it as an integration test of its own, {@link G09OutOfFileDescriptors}.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
public abstract class ConformanceKit implements ServerUnderTest {

    @Override
    public abstract ServerModel model();

    @Nested
    @Order(1)
    @DisplayName("1. exact echo from 0 bytes to maxFrameLength, however TCP splits or coalesces the bytes")
    class ExactEcho extends G01ExactEcho {
        ExactEcho() {
            super(ConformanceKit.this);
        }
    }

    @Nested
    @Order(2)
    @DisplayName("2. replies on one connection come back in request order")
    class RequestOrder extends G02RequestOrder {
        RequestOrder() {
            super(ConformanceKit.this);
        }
    }

    @Nested
    @Order(3)
    @DisplayName("3. bounded memory under a client that writes but never reads")
    class BoundedMemory extends G03BoundedMemory {
        BoundedMemory() {
            super(ConformanceKit.this);
        }
    }

    @Nested
    @Order(4)
    @DisplayName("4. bad input closes only that connection, counted")
    class BadInput extends G04BadInput {
        BadInput() {
            super(ConformanceKit.this);
        }
    }

    @Nested
    @Order(5)
    @DisplayName("5. a reset, a half-close or a vanished client leaks nothing")
    class NoLeaks extends G05NoLeaks {
        NoLeaks() {
            super(ConformanceKit.this);
        }
    }

    @Nested
    @Order(6)
    @DisplayName("6. idle connections are closed after the idle timeout; active ones are not")
    class IdleTimeout extends G06IdleTimeout {
        IdleTimeout() {
            super(ConformanceKit.this);
        }
    }

    @Nested
    @Order(7)
    @DisplayName("7. over max connections, new connections are closed at once and counted")
    class MaxConnections extends G07MaxConnections {
        MaxConnections() {
            super(ConformanceKit.this);
        }
    }

    @Nested
    @Order(8)
    @DisplayName("8. close() stops accepting, flushes, closes every connection, joins every thread, frees the port")
    class GracefulClose extends G08GracefulClose {
        GracefulClose() {
            super(ConformanceKit.this);
        }
    }

    @Nested
    @Order(10)
    @DisplayName("10. no connection starves under a closed loop of many connections")
    class NoConnectionStarves extends G10NoConnectionStarves {
        NoConnectionStarves() {
            super(ConformanceKit.this);
        }
    }

    /**
     * Asserts the server closes {@code client}'s connection (EOF or reset) before the read timeout,
     * without sending it anything. For a model's own tests; same as {@link Guarantee#assertClosedByServer}.
     */
    public static void assertClosedByServer(EchoClient client, String what) {
        Guarantee.assertClosedByServer(client, what);
    }

    /** Closes {@code client} with an RST instead of a FIN (SO_LINGER 0), as a crashed peer would. */
    public static void reset(EchoClient client) throws IOException {
        Guarantee.reset(client);
    }
}
