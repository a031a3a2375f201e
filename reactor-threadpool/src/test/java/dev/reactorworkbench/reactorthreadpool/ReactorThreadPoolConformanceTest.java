package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.conformancekit.ConformanceKit;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

class ReactorThreadPoolConformanceTest extends ConformanceKit {
    @Override
    public ServerModel model() {
        return new ReactorThreadPoolModel();
    }
}
