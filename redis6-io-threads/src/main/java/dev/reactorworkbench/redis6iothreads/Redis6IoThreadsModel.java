package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.echoprotocol.server.ModelOption;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Redis 6's threaded I/O: one main loop executes every command in order; {@code io-threads} threads
 * (the main one included) read, parse and write in parallel, and the extra ones rest under low load.
 */
public final class Redis6IoThreadsModel implements ServerModel {

    public static final String NAME = "redis6-io-threads";
    /** The most threads Redis allows ({@code IO_THREADS_MAX_NUM}). */
    static final int MAX_IO_THREADS = 128;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Redis 6 threaded I/O: a main loop runs every command in order; I/O threads read, parse and write in parallel";
    }

    @Override
    public HandlerThreads handlerThreads() {
        return HandlerThreads.ONE; // the main loop runs every command; I/O threads only read, parse and write
    }

    @Override
    public List<ModelOption> options() {
        return List.of(
                new ModelOption("io-threads",
                        "Threads doing socket I/O, the main thread included, as in redis.conf; 1 = the main thread alone",
                        "--threads if set, else the number of cores"),
                new ModelOption("io-threads-do-reads",
                        "Also read and parse on the I/O threads (yes/no); with no, only writes are threaded",
                        "yes"));
    }

    @Override
    public RunningServer start(ServerConfig config) throws IOException {
        int ioThreads = config.intOption("io-threads", Math.min(config.threadsOrCores(), MAX_IO_THREADS), 1, MAX_IO_THREADS);
        boolean doReads = yesOrNo("io-threads-do-reads", config.option("io-threads-do-reads"), true);
        return MainLoop.start(config, ioThreads, doReads);
    }

    /** redis.conf says yes/no; true/false is accepted too. */
    static boolean yesOrNo(String name, String raw, boolean fallback) {
        if (raw == null) {
            return fallback;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw new IllegalArgumentException(name + " must be yes or no, was '" + raw + "'");
        };
    }
}
