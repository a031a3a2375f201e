package dev.reactorworkbench.comparisonbench.jmh;

import dev.reactorworkbench.comparisonbench.reference.ReferenceServers;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.util.ArrayList;
import java.util.List;

/**
 * Every server the benchmark can run: the models found on the class path with
 * {@link ServerModel#discover()} (so a model lands in the comparison by becoming a dependency of
 * this module, never by being listed here), then the Netty reference servers this machine can run.
 */
public final class Servers {

    /** The reference row every other row is divided by. */
    public static final String BASELINE = "netty-nio";

    private Servers() {
    }

    /** Models first (by name), then the reference servers. */
    public static List<ServerModel> all() {
        List<ServerModel> all = new ArrayList<>(ServerModel.discover());
        all.addAll(ReferenceServers.all());
        return all;
    }

    public static List<String> names() {
        return all().stream().map(ServerModel::name).toList();
    }

    /** Whether {@code name} is one of the Netty reference servers rather than a model. */
    public static boolean isReference(String name) {
        return name.startsWith("netty-");
    }

    /** The server called {@code name}; the exception lists the names this machine can run. */
    public static ServerModel named(String name) {
        return all().stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown server '" + name + "'; choose one of "
                        + String.join(", ", names())));
    }
}
