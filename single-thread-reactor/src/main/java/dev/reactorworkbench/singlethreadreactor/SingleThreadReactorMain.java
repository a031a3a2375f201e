package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.launcher.Launcher;

/** {@code ./workbench serve single-thread-reactor}, or run this class directly. */
public final class SingleThreadReactorMain {

    private SingleThreadReactorMain() {
    }

    public static void main(String[] args) {
        // Parse the flags, start the reactor, print stats every second, close gracefully on Ctrl-C.
        Launcher.run(new SingleThreadReactorModel(), args);
    }
}
