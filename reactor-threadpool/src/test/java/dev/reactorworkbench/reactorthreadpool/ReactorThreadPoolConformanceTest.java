package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.conformancekit.ConformanceKit;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

class ReactorThreadPoolConformanceTest extends ConformanceKit {
    @Override
    protected ServerModel model() {
        return new ReactorThreadPoolModel();
    }
}
