package dev.reactorworkbench.comparisonbench.reference;

import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.io.IOException;
import java.util.List;

/**
 * A Netty echo server as a {@link ServerModel}, so the benchmark harness can start it like any
 * model. NOTE: deliberately not registered in {@code META-INF/services}: these are reference rows
 * in the comparison, not models the workbench teaches. {@link ReferenceServers} lists them.
 *
 * <p>Speaks the length-prefixed protocol only. {@code threads} sizes the worker group (N event
 * loops, each doing its connections' I/O and handler), or, for the executor variant
 * ({@code netty-nio-executor}, the twin of the reactor + worker pool model), the
 * {@code DefaultEventExecutorGroup} the handler runs on, beside one event loop for all the I/O.
 */
public final class NettyReferenceModel implements ServerModel {

    /** The name suffix of the executor variant. */
    public static final String EXECUTOR_SUFFIX = "-executor";

    private final NettyTransport transport;
    private final boolean executor;

    public NettyReferenceModel(NettyTransport transport) {
        this(transport, false);
    }

    /** {@code executor}: one event loop for the I/O, the handler on a group of {@code threads} executors. */
    public NettyReferenceModel(NettyTransport transport, boolean executor) {
        this.transport = transport;
        this.executor = executor;
    }

    public NettyTransport transport() {
        return transport;
    }

    @Override
    public String name() {
        return transport.modelName() + (executor ? EXECUTOR_SUFFIX : "");
    }

    @Override
    public String description() {
        return transport.description() + (executor
                ? "; one event loop does all the I/O, the handler runs on a DefaultEventExecutorGroup of --threads "
                + "threads (the twin of reactor-threadpool)"
                : "; --threads event loops (the twin of multi-reactor; at --threads 1 of single-thread-reactor)")
                + "; reference for the comparison, length-prefixed only";
    }

    /** The codecs this server speaks (the conformance kit skips the others): length-prefixed only. */
    public List<Codec> codecs() {
        return List.of(LengthPrefixedCodec.INSTANCE);
    }

    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        if (!codecs().contains(config.codec())) {
            throw new IllegalArgumentException(name() + " speaks only the length-prefixed codec, not " + config.codec().name());
        }
        if (!transport.isAvailable()) {
            throw new IOException(name() + " is not available on this machine: " + transport.unavailabilityCause());
        }
        return NettyReferenceServer.start(transport, config, executor);
    }

    @Override
    public String toString() {
        return name();
    }
}
