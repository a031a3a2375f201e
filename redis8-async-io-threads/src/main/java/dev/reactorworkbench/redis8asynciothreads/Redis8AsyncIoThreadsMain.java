package dev.reactorworkbench.redis8asynciothreads;

import dev.reactorworkbench.echoprotocol.launcher.Launcher;

/** Runs the Redis 8 asynchronous I/O threads model from the command line; {@code --help} lists the flags. */
public final class Redis8AsyncIoThreadsMain {

    private Redis8AsyncIoThreadsMain() {
    }

    public static void main(String[] args) {
        Launcher.run(new Redis8AsyncIoThreadsModel(), args);
    }
}
