package dev.reactorworkbench.conformancekit;

import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What a guarantee's tests run against: a model, the settings its test adds, and the codecs it
 * speaks. {@link ConformanceKit} is one; a test that runs a single guarantee with settings of its
 * own (the proactor's 1,024-connection fairness run) builds one with {@link #of}.
 */
public interface ServerUnderTest {

    /** The model under test; a fresh instance is fine. */
    ServerModel model();

    /**
     * Settings of the model's test, e.g. a model option. The kit applies them before each
     * scenario's own settings (codec, limits, timeouts), which win where both set something.
     */
    default ServerConfig.Builder configure(ServerConfig.Builder builder) {
        return builder;
    }

    /**
     * The codecs this server speaks. A scenario in another codec is skipped (JUnit reports it as
     * aborted, with the reason), not failed. Every model takes whatever {@link Codec} its config
     * names: {@link Codec#all()} and the kit's own test codec ({@link ConversationEndingCodec}).
     */
    default List<Codec> codecs() {
        List<Codec> all = new java.util.ArrayList<>(Codec.all());
        all.add(new ConversationEndingCodec(null, true));
        return all;
    }

    /**
     * Scenarios this server is known not to meet, by test method name (e.g.
     * {@code "halfClosedClientGetsEveryReplyThenEof"}), each with the reason as measured: the kit
     * reports them as disabled with that reason instead of running them. For reference servers the
     * workbench does not control; every model meets every scenario, so none has any.
     */
    default Map<String, String> knownFailures() {
        return Map.of();
    }

    /** A server under test from its parts. */
    static ServerUnderTest of(ServerModel model, UnaryOperator<ServerConfig.Builder> settings) {
        return new ServerUnderTest() {
            @Override
            public ServerModel model() {
                return model;
            }

            @Override
            public ServerConfig.Builder configure(ServerConfig.Builder builder) {
                return settings.apply(builder);
            }
        };
    }
}
