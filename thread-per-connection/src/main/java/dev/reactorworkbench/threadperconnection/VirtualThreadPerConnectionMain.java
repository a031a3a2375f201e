package dev.reactorworkbench.threadperconnection;

import dev.reactorworkbench.launcher.Launcher;

/** Runs the virtual-thread-per-connection model: {@code --help} lists the flags. */
public final class VirtualThreadPerConnectionMain {

    private VirtualThreadPerConnectionMain() {
    }

    public static void main(String[] args) {
        // 1. Parse the flags, 2. start the (virtual) acceptor, 3. print stats every second,
        // 4. on Ctrl-C close gracefully: stop accepting, flush replies, join every conn-N thread.
        Launcher.run(new VirtualThreadPerConnectionModel(), args);
    }
}
