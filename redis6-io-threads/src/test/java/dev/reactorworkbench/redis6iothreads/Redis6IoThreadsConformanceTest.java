package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.conformancekit.ConformanceKit;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

/**
 * The kit, with three I/O threads (the main one and two extra): more threads than CI's two cores,
 * so the hand-offs are exercised under preemption, and the 200-connection scenario runs threaded.
 */
class Redis6IoThreadsConformanceTest extends ConformanceKit {

    @Override
    public ServerModel model() {
        return new Redis6IoThreadsModel();
    }

    @Override
    public ServerConfig.Builder configure(ServerConfig.Builder builder) {
        return builder.option("io-threads", "3");
    }
}
