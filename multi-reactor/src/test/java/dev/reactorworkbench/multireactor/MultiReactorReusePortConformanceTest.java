package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.conformancekit.ConformanceKit;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

/** The whole kit against four sub-reactors that each accept on their own SO_REUSEPORT listener. */
class MultiReactorReusePortConformanceTest extends ConformanceKit {
    @Override
    public ServerModel model() {
        return new MultiReactorReusePortModel();
    }

    @Override
    public ServerConfig.Builder configure(ServerConfig.Builder builder) {
        return builder.option("reactors", "4");
    }
}
