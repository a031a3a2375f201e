package dev.reactorworkbench.threadperconnection;

import dev.reactorworkbench.conformancekit.ConformanceKit;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

class ThreadPerConnectionConformanceTest extends ConformanceKit {
    @Override
    public ServerModel model() {
        return new ThreadPerConnectionModel();
    }
}
