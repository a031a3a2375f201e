package dev.reactorworkbench.echoprotocol.server;

import java.io.IOException;
import java.util.List;
import java.util.ServiceLoader;

/**
 * One I/O model. Each model module registers its models in
 * {@code META-INF/services/dev.reactorworkbench.echoprotocol.server.ServerModel}, so the
 * launcher, the conformance kit and the benchmark find every model without a list to maintain.
 */
public interface ServerModel {

    /** The name used on the command line, e.g. {@code single-thread-reactor}. */
    String name();

    /** One line for {@code ./workbench models}. */
    String description();

    /** Flags this model understands beyond the common ones. */
    default List<ModelOption> options() {
        return List.of();
    }

    /**
     * Which threads call {@link ServerConfig#handler()}: decides whether state shared by the
     * handler's calls needs a lock or a concurrent map. The RESP keyspace is a plain
     * {@code HashMap} for {@link HandlerThreads#ONE} and a concurrent map for
     * {@link HandlerThreads#SEVERAL}. The default is the safe answer; each model states its own.
     */
    default HandlerThreads handlerThreads() {
        return HandlerThreads.SEVERAL;
    }

    /** Whether one thread, always the same, calls the handler (Redis's main thread), or several may. */
    enum HandlerThreads {
        /** One thread calls the handler for every connection, for the server's whole life. */
        ONE,
        /** Several threads may call the handler, at the same time (for different connections). */
        SEVERAL
    }

    /**
     * Binds, starts every thread and returns once the server accepts connections.
     *
     * @throws java.net.BindException when the port is in use
     * @throws IOException            when the server cannot be started
     * @throws IllegalArgumentException when a model option is invalid
     */
    RunningServer start(ServerConfig config) throws IOException;

    /** Every model on the class path, in a stable order (by name). */
    static List<ServerModel> discover() {
        return ServiceLoader.load(ServerModel.class).stream()
                .map(ServiceLoader.Provider::get)
                .sorted(java.util.Comparator.comparing(ServerModel::name))
                .toList();
    }

    /** The model called {@code name}; the exception lists the names that exist. */
    static ServerModel named(String name) {
        List<ServerModel> all = discover();
        return all.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown model '" + name
                        + "'; choose one of " + all.stream().map(ServerModel::name).toList()));
    }
}
