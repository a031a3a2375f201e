package dev.reactorworkbench.threadperconnection;

import dev.reactorworkbench.conformancekit.ConformanceKit;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

class ThreadPerConnectionConformanceTest extends ConformanceKit {
    @Override
    protected ServerModel model() {
        return new ThreadPerConnectionModel();
    }
}
