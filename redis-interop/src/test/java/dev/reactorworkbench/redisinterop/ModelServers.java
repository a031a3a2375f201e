package dev.reactorworkbench.redisinterop;

import dev.reactorworkbench.echoprotocol.codec.RespCodec;
import dev.reactorworkbench.echoprotocol.resp.KeyspaceHandler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;

/** Every model on the class path, started in this JVM with {@code --codec resp} as the launcher would. */
final class ModelServers {

    private ModelServers() {
    }

    /** The names of every model, for parameterized tests. */
    static Stream<String> names() {
        List<ServerModel> all = ServerModel.discover();
        if (all.size() < 9) {
            throw new AssertionError("expected the nine models on the class path, found " + all.stream().map(ServerModel::name).toList());
        }
        return all.stream().map(ServerModel::name);
    }

    /** The model started on an ephemeral port of 127.0.0.1 with the keyspace its threading calls for. */
    static Started start(String name) throws IOException {
        ServerModel model = ServerModel.named(name);
        KeyspaceHandler handler = KeyspaceHandler.forModel(model, 0);
        return start(model, handler);
    }

    /** The model started with the given handler (to hand a model a keyspace it did not ask for). */
    static Started start(ServerModel model, KeyspaceHandler handler) throws IOException {
        ServerConfig config = ServerConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .codec(RespCodec.INSTANCE)
                .handler(handler)
                .build();
        return new Started(model, handler, model.start(config));
    }

    /** A running model and its keyspace handler; closing it closes the server. */
    record Started(ServerModel model, KeyspaceHandler handler, RunningServer server) implements AutoCloseable {
        int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
