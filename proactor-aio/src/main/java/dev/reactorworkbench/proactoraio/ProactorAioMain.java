package dev.reactorworkbench.proactoraio;

import dev.reactorworkbench.launcher.Launcher;

/** {@code proactor-aio --help}: the NIO.2 proactor on the command line. */
public final class ProactorAioMain {

    private ProactorAioMain() {
    }

    public static void main(String[] args) {
        Launcher.run(new ProactorAioModel(), args);
    }
}
