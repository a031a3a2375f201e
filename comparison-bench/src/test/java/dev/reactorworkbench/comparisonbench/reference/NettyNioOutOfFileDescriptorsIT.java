package dev.reactorworkbench.comparisonbench.reference;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

import java.util.List;

/** Guarantee 9 for the Netty reference server on NIO, started by its own main like the models. */
class NettyNioOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
    @Override
    protected Class<?> mainClass() {
        return ReferenceServers.class;
    }

    @Override
    protected List<String> arguments() {
        return List.of(NettyTransport.NIO.modelName());
    }
}
