package dev.reactorworkbench.proactoraio;

import dev.reactorworkbench.conformancekit.ConformanceKit;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

class ProactorAioConformanceTest extends ConformanceKit {
    @Override
    public ServerModel model() {
        return new ProactorAioModel();
    }
}
