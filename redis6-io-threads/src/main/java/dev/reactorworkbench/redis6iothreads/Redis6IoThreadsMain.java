package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.launcher.Launcher;

/** Runs the Redis 6 I/O threads model from the command line; {@code --help} lists the flags. */
public final class Redis6IoThreadsMain {

    private Redis6IoThreadsMain() {
    }

    public static void main(String[] args) {
        Launcher.run(new Redis6IoThreadsModel(), args);
    }
}
