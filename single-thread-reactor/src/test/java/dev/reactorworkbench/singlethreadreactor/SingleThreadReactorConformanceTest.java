package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.conformancekit.ConformanceKit;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

class SingleThreadReactorConformanceTest extends ConformanceKit {
    @Override
    public ServerModel model() {
        return new SingleThreadReactorModel();
    }
}
