package dev.reactorworkbench.multireactor;

import dev.reactorworkbench.launcher.Launcher;

/** {@code ./workbench serve multi-reactor-reuseport}, or run this class directly. */
public final class MultiReactorReusePortMain {

    private MultiReactorReusePortMain() {
    }

    public static void main(String[] args) {
        // Parse the flags (--reactors too), start the sub-reactors on their SO_REUSEPORT listeners, print stats every second, close gracefully on Ctrl-C.
        Launcher.run(new MultiReactorReusePortModel(), args);
    }
}
