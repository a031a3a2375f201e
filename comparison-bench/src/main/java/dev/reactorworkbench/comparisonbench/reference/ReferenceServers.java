package dev.reactorworkbench.comparisonbench.reference;

import dev.reactorworkbench.launcher.Launcher;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.util.Arrays;
import java.util.List;

/**
 * The Netty reference servers, by transport. {@link #all()} lists those this machine can run;
 * {@link #skipped()} says, one line each, which it cannot and why (io_uring is often switched off
 * in containers and sandboxes by seccomp, or absent from older kernels).
 */
public final class ReferenceServers {

    private ReferenceServers() {
    }

    /**
     * The reference servers available here: NIO always (with N event loops, and its executor
     * variant {@code netty-nio-executor}), epoll and io_uring when Netty can load them.
     */
    public static List<ServerModel> all() {
        List<ServerModel> all = new java.util.ArrayList<>();
        for (NettyTransport t : NettyTransport.values()) {
            if (t.isAvailable()) {
                all.add(new NettyReferenceModel(t));
            }
            if (t == NettyTransport.NIO) {
                all.add(new NettyReferenceModel(t, true));
            }
        }
        return all;
    }

    /** One line per reference server this machine cannot run, naming Netty's reason. */
    public static List<String> skipped() {
        return Arrays.stream(NettyTransport.values())
                .filter(t -> !t.isAvailable())
                .map(t -> t.modelName() + " skipped: not available on this machine: " + t.unavailabilityCause())
                .toList();
    }

    /** The reference server called {@code name}, available or not; the exception lists the names. */
    public static ServerModel named(String name) {
        if (name.equals(NettyTransport.NIO.modelName() + NettyReferenceModel.EXECUTOR_SUFFIX)) {
            return new NettyReferenceModel(NettyTransport.NIO, true);
        }
        return Arrays.stream(NettyTransport.values())
                .filter(t -> t.modelName().equals(name))
                .findFirst()
                .<ServerModel>map(NettyReferenceModel::new)
                .orElseThrow(() -> new IllegalArgumentException("unknown reference server '" + name + "'; choose one of "
                        + Arrays.stream(NettyTransport.values()).map(NettyTransport::modelName).toList()));
    }

    /**
     * Runs one reference server until Ctrl-C with the models' flags, e.g.
     * {@code netty-epoll --port 7000 --threads 2}: handy to point {@code ./workbench load} at it.
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: ReferenceServers NAME [flags]; NAME is one of "
                    + Arrays.stream(NettyTransport.values()).map(NettyTransport::modelName).toList());
            skipped().forEach(System.err::println);
            System.exit(Launcher.USAGE);
        }
        ServerModel model;
        try {
            model = named(args[0]);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(Launcher.USAGE);
            return;
        }
        Launcher.run(model, Arrays.copyOfRange(args, 1, args.length));
    }
}
