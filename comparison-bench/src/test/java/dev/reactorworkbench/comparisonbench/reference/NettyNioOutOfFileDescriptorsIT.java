package dev.reactorworkbench.comparisonbench.reference;

import dev.reactorworkbench.conformancekit.G09OutOfFileDescriptors;

import java.util.List;

import org.junit.jupiter.api.Disabled;

/**
 * Guarantee 9 for the Netty reference server on NIO, started by its own main like the models.
 * Netty 4.2 does not meet it: measured here, its accept loop ("netty-boss") dies on the first
 * accept failure, because logging it loads the time-zone database (tzdb.dat: "Too many open
 * files", NoClassDefFoundError for ZoneInfoFile); the server then never accepts again (the test
 * fails at "still exhausted": 198 descriptors, and no recovery). The models do better on purpose.
 */
@Disabled("Netty 4.2 fails guarantee 9 (measured): its boss event loop dies when it first logs an accept failure "
        + "out of descriptors (tzdb.dat: Too many open files) and never accepts again")
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
