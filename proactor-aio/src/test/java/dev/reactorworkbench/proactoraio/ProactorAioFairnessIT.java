package dev.reactorworkbench.proactoraio;

import dev.reactorworkbench.conformancekit.G10NoConnectionStarves;
import dev.reactorworkbench.conformancekit.ServerUnderTest;

import java.time.Duration;

/**
 * Guarantee 10 at the shape where the proactor starved connections (issue 11): 1,024 connections,
 * one 64-byte request in flight each, 20 us of handler work, a pool of 2 threads. Before the fix
 * some connections completed almost no round trips while others were served (see the NOTE in
 * {@link Connection}). An integration test: 2,048 sockets and 5 s of load.
 */
class ProactorAioFairnessIT extends G10NoConnectionStarves {

    ProactorAioFairnessIT() {
        super(ServerUnderTest.of(new ProactorAioModel(), b -> b.threads(2)));
    }

    @Override
    protected int connections() {
        return 1_024;
    }

    @Override
    protected Duration loopFor() {
        return Duration.ofSeconds(5);
    }

    @Override
    protected int workMicros() {
        return 20;
    }
}
