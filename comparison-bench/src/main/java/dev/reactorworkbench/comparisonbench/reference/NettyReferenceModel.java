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
 * <p>Speaks the length-prefixed protocol only; {@code threads} sizes the worker group.
 */
public final class NettyReferenceModel implements ServerModel {

    private final NettyTransport transport;

    public NettyReferenceModel(NettyTransport transport) {
        this.transport = transport;
    }

    public NettyTransport transport() {
        return transport;
    }

    @Override
    public String name() {
        return transport.modelName();
    }

    @Override
    public String description() {
        return transport.description() + "; reference for the comparison, length-prefixed only";
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
        return NettyReferenceServer.start(transport, config);
    }

    @Override
    public String toString() {
        return name();
    }
}
