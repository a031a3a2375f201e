package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.conformancekit.ConformanceKit;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

/** The whole kit against a main reactor and four sub-reactors (more than this machine's cores, on purpose). */
class MultiReactorConformanceTest extends ConformanceKit {
    @Override
    public ServerModel model() {
        return new MultiReactorModel();
    }

    @Override
    public ServerConfig.Builder configure(ServerConfig.Builder builder) {
        return builder.option("reactors", "4");
    }
}
