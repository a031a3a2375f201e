package dev.reactorworkbench.proactoraio;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.io.IOException;

/**
 * The proactor: the application starts an operation (accept, read, write) and is called back
 * when the operation has <em>completed</em>, instead of being told that a channel is ready so it
 * can do the I/O itself (the reactor). Read the classes in this order: {@link ProactorServer}
 * (the group, its threads, graceful close), {@link Acceptor} (a thread, and why),
 * {@link Connection} (the read and write completion handlers and the per-connection state they share).
 *
 * <p>Flags: the common ones; {@code --threads} sizes the channel group's pool (default: cores).
 */
public final class ProactorAioModel implements ServerModel {

    @Override
    public String name() {
        return "proactor-aio";
    }

    @Override
    public String description() {
        return "NIO.2 proactor: AsynchronousChannelGroup with a fixed pool (--threads), completion handlers for "
                + "read and write, an acceptor thread; on Linux the JDK emulates it over epoll.";
    }

    @Override
    public HandlerThreads handlerThreads() {
        return HandlerThreads.SEVERAL; // completion handlers run on any thread of the channel group
    }

    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        return ProactorServer.start(config);
    }
}
