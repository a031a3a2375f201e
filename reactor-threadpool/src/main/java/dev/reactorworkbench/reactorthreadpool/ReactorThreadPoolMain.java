package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.launcher.Launcher;

/** {@code ./workbench serve reactor-threadpool}, or run this class directly. */
public final class ReactorThreadPoolMain {

    private ReactorThreadPoolMain() {
    }

    public static void main(String[] args) {
        // Parse the flags (--workers, --queue among them), start, print stats every second, close gracefully on Ctrl-C.
        Launcher.run(new ReactorThreadPoolModel(), args);
    }
}
