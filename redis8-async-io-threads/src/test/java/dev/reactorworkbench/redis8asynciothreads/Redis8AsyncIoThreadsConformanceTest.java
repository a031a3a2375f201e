package dev.reactorworkbench.redis8asynciothreads;

import dev.reactorworkbench.conformancekit.ConformanceKit;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

/**
 * The kit, with io-threads 3 (the main thread and two I/O threads): three loops on CI's two cores,
 * so both hand-offs are exercised under preemption.
 */
class Redis8AsyncIoThreadsConformanceTest extends ConformanceKit {

    @Override
    public ServerModel model() {
        return new Redis8AsyncIoThreadsModel();
    }

    @Override
    public ServerConfig.Builder configure(ServerConfig.Builder builder) {
        return builder.option("io-threads", "3");
    }
}
