package dev.reactorworkbench.threadperconnection;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.io.IOException;

/**
 * The same blocking code as {@link ThreadPerConnectionModel}, one <em>virtual</em> thread per
 * connection (named {@code acceptor} and {@code conn-N}). Nothing else changes, yet the model
 * underneath is different: when a socket read or write would block (EAGAIN), the JDK does not block
 * a kernel thread; it parks the virtual thread, registers the socket with its epoll-based poller,
 * and frees the carrier thread to run another virtual thread. When the poller sees the socket ready
 * it unparks the virtual thread, which retries the call. This is Java's version of Go's
 * goroutine-per-connection over the netpoller: blocking code on top, a reactor underneath.
 */
public final class VirtualThreadPerConnectionModel implements ServerModel {

    @Override
    public String name() {
        return "virtual-thread-per-connection";
    }

    @Override
    public String description() {
        return "Blocking I/O, one virtual thread per connection; the JDK parks it on EAGAIN and its epoll poller wakes it";
    }

    @Override
    public HandlerThreads handlerThreads() {
        return HandlerThreads.SEVERAL; // each connection's own virtual thread runs its handler
    }

    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        // The one line that differs from ThreadPerConnectionModel: virtual threads park in the JDK's
        // poller when the socket would block, instead of blocking a kernel thread.
        return ThreadPerConnectionServer.start(config, Thread.ofVirtual());
    }
}
