package dev.reactorworkbench.comparisonbench.reference;

import dev.reactorworkbench.conformancekit.ConformanceKit;
import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;

/**
 * The conformance kit against the Netty reference servers: every ratio in the comparison is
 * divided by one of these rows, so they meet the same contract as the models, in the codec they
 * speak (length-prefixed; the kit skips the line and raw scenarios, saying why). A transport this
 * machine cannot run (io_uring under a seccomp filter, say) is skipped with Netty's reason.
 * Guarantee 9 runs apart, as an integration test: {@link NettyNioOutOfFileDescriptorsIT}.
 */
class NettyReferenceConformanceTest {

    /** The kit for one transport. */
    abstract static class Transport extends ConformanceKit {
        private final NettyReferenceModel model;

        Transport(NettyTransport transport) {
            this.model = new NettyReferenceModel(transport);
        }

        @BeforeEach
        void transportAvailable() {
            Assumptions.assumeTrue(model.transport().isAvailable(),
                    () -> model.name() + " is not available on this machine: " + model.transport().unavailabilityCause());
        }

        @Override
        public ServerModel model() {
            return model;
        }

        @Override
        public List<Codec> codecs() {
            return model.codecs();
        }
    }

    @Nested
    @DisplayName("netty-nio")
    class Nio extends Transport {
        Nio() {
            super(NettyTransport.NIO);
        }
    }

    @Nested
    @DisplayName("netty-epoll")
    class Epoll extends Transport {
        Epoll() {
            super(NettyTransport.EPOLL);
        }
    }

    @Nested
    @DisplayName("netty-io_uring")
    class IoUring extends Transport {
        IoUring() {
            super(NettyTransport.IO_URING);
        }

        /** Measured on this machine (Linux 2-core, Netty 4.2 io_uring); NIO and epoll meet both. */
        @Override
        public Map<String, String> knownFailures() {
            return Map.of(
                    "halfClosedClientGetsEveryReplyThenEof", "after the client's half-close the server closed the"
                            + " connection before the replies it owed were written: the client read EOF instead of reply #0",
                    "clientThatNeverReadsCannotMakeTheServerBufferWithoutLimit", "every reply arrived, but its"
                            + " outbound-pending gauge (sampled, see EchoServerHandler) stayed at 116,060 bytes, not 0");
        }
    }
}
