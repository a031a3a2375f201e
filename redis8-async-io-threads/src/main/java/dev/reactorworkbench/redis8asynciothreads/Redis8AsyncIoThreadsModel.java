package dev.reactorworkbench.redis8asynciothreads;

import dev.reactorworkbench.echoprotocol.server.ModelOption;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.io.IOException;
import java.util.List;

/**
 * Redis 8's asynchronous I/O threads (Valkey 8 did the same): each I/O thread runs its own event
 * loop and owns its connections' sockets; the main thread accepts and executes every command, in
 * order per connection; commands and replies cross in batches, one wakeup per batch.
 */
public final class Redis8AsyncIoThreadsModel implements ServerModel {

    public static final String NAME = "redis8-async-io-threads";
    /** The most threads Redis allows ({@code IO_THREADS_MAX_NUM}), the main thread included. */
    static final int MAX_IO_THREADS = 128;
    /** The main thread and one I/O thread: fewer would leave no thread to read the sockets. */
    static final int MIN_IO_THREADS = 2;

    static final ModelOption IO_THREADS = new ModelOption("io-threads",
            "Threads, the main thread included, as in redis.conf: io-threads 4 is the main thread and "
                    + "io-thread-1..3; " + MIN_IO_THREADS + ".." + MAX_IO_THREADS,
            "--threads if set, else the number of cores, at least " + MIN_IO_THREADS);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Redis 8 async I/O threads: I/O threads each run a loop and own their sockets; the main thread runs every command";
    }

    @Override
    public HandlerThreads handlerThreads() {
        return HandlerThreads.ONE; // the main thread runs every command; I/O threads never call the handler
    }

    @Override
    public List<ModelOption> options() {
        return List.of(IO_THREADS);
    }

    // tag::flags[]
    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        // io-threads counts the main thread, as redis.conf (and the redis6-io-threads model) do, so
        // the two Redis models compared at the same io-threads run the same number of threads.
        // --threads is its default, so ./workbench compare --threads N sets every model alike.
        int fallback = Math.clamp(config.threadsOrCores(), MIN_IO_THREADS, MAX_IO_THREADS);
        int ioThreads = config.intOption(IO_THREADS.name(), fallback, MIN_IO_THREADS, MAX_IO_THREADS);
        return MainThread.start(config, ioThreads - 1);
    }
    // end::flags[]
}
