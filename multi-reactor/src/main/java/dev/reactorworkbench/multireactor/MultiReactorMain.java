package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.launcher.Launcher;

/** {@code ./workbench serve multi-reactor}, or run this class directly. */
public final class MultiReactorMain {

    private MultiReactorMain() {
    }

    public static void main(String[] args) {
        // Parse the flags (--reactors, --balance too), start the main and sub-reactors, print stats every second, close gracefully on Ctrl-C.
        Launcher.run(new MultiReactorModel(), args);
    }
}
