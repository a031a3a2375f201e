package dev.reactorworkbench.threadperconnection;

import dev.reactorworkbench.launcher.Launcher;

/** Runs the thread-per-connection model: {@code --help} lists the flags. */
public final class ThreadPerConnectionMain {

    private ThreadPerConnectionMain() {
    }

    public static void main(String[] args) {
        // 1. Parse the flags, 2. start the acceptor, 3. print stats every second,
        // 4. on Ctrl-C close gracefully: stop accepting, flush replies, join every conn-N thread.
        Launcher.run(new ThreadPerConnectionModel(), args);
    }
}
