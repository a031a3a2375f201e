package dev.reactorworkbench.threadperconnection;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.io.IOException;

/**
 * Blocking {@code java.net} sockets, one platform thread per connection: a platform thread named
 * {@code acceptor} and one named {@code conn-N} per connection. Every connection costs a kernel
 * thread and its stack, and every blocked read or write is a thread the kernel must schedule back
 * in: simple to read, heavy at 10,000 connections.
 */
public final class ThreadPerConnectionModel implements ServerModel {

    @Override
    public String name() {
        return "thread-per-connection";
    }

    @Override
    public String description() {
        return "Blocking I/O, one platform thread per connection (acceptor + conn-N)";
    }

    @Override
    public HandlerThreads handlerThreads() {
        return HandlerThreads.SEVERAL; // each connection's own thread runs its handler
    }

    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        return ThreadPerConnectionServer.start(config, Thread.ofPlatform());
    }
}
