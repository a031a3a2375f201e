package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.servercore.nio.Listeners;
import dev.reactorworkbench.echoprotocol.server.ModelOption;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Multiple reactors without a main reactor (gev and gnet with {@code ReusePort}): every
 * sub-reactor opens its own listening socket on the same port with {@code SO_REUSEPORT}, accepts
 * on it and keeps what it accepts. The kernel spreads incoming connections over the listeners
 * (on Linux by a hash of the connection's addresses and ports), so there is no hand-off between
 * threads and no balancer to choose; in exchange the spread is only as even as the hash.
 *
 * <p>NOTE: where the platform lacks SO_REUSEPORT, starting fails with one clear message. And
 * SO_REUSEPORT lets any process of the same user bind the port too: a second copy of this server
 * started on the same port joins the first and silently takes a share of its connections, instead
 * of failing with "port in use".
 */
public final class MultiReactorReusePortModel implements ServerModel {

    @Override
    public String name() {
        return "multi-reactor-reuseport";
    }

    @Override
    public String description() {
        return "N sub-reactors each accept on their own SO_REUSEPORT listener; the kernel spreads connections (gev, gnet)";
    }

    @Override
    public HandlerThreads handlerThreads() {
        return HandlerThreads.SEVERAL; // each sub-reactor runs the handler for its own connections
    }

    @Override
    public List<ModelOption> options() {
        return List.of(SubReactorGroup.REACTORS);
    }

    // tag::reuseport[]
    @Override
    public MultiReactorServer start(ServerConfig config) throws IOException {
        int count = SubReactorGroup.count(config);
        ServerStats stats = new ServerStats();
        List<ServerSocketChannel> listeners = new ArrayList<>(count);
        try {
            // 1. One listener per sub-reactor, all on one port. With port 0 the first bind picks
            //    the ephemeral port, and the others join it there.
            ServerSocketChannel first = Listeners.bind(config, config.port(), true);
            listeners.add(first);
            int port = ((InetSocketAddress) first.getLocalAddress()).getPort();
            for (int i = 1; i < count; i++) {
                listeners.add(Listeners.bind(config, port, true));
            }
            // 2. Each sub-reactor accepts on its own listener and adopts what it accepts; each
            //    Acceptor enforces maxConnections against the one shared ServerStats gauge.
            SubReactorGroup subReactors = SubReactorGroup.start(count, config, stats, listeners);
            return new MultiReactorServer((InetSocketAddress) first.getLocalAddress(), stats, config.drainTimeout(),
                    null, subReactors);
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel listener : listeners) {
                try {
                    listener.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }
    // end::reuseport[]
}
