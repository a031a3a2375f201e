package dev.reactorworkbench.comparisonbench.reference;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

import java.util.List;

/**
 * Guarantee 9 for the Netty reference server on NIO, started by its own main like the models.
 * Bare Netty 4.2 did not meet it (measured): its accept loop ("netty-boss") died on the first
 * accept failure, because logging it loaded the time-zone database (tzdb.dat: "Too many open
 * files", NoClassDefFoundError for ZoneInfoFile), and the server never accepted again. With the
 * models' logging rule ({@code ServerLog.ready()} at start-up) it passes: Netty's own acceptor
 * then turns auto-read off for a second after a failed accept, a back-off of its own.
 */
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
