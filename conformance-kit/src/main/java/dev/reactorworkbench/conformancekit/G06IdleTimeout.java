package dev.reactorworkbench.conformancekit;

import static dev.reactorworkbench.conformancekit.Await.awaitValue;
import static dev.reactorworkbench.conformancekit.Payloads.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerStats;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Guarantee 6: idle connections are closed after the idle timeout; active ones are not. */
public abstract class G06IdleTimeout extends Guarantee {

    protected G06IdleTimeout(ServerUnderTest target) {
        super(target);
    }

    @Test
    @DisplayName("an idle connection is closed after the idle timeout and counted; an active one is not")
    @Timeout(30)
    void idleConnectionsAreClosedActiveOnesAreNot() throws Exception {
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).idleTimeout(Duration.ofSeconds(1)));
        ServerStats stats = server.stats();
        EchoClient idle = connect(server, LENGTH_PREFIXED);
        assertSameBytes("first echo on the soon idle connection", Payloads.random(8, 10), idle.echo(Payloads.random(8, 10)));
        EchoClient active = connect(server, LENGTH_PREFIXED);

        // A frame every 100 ms for 3 s: three idle timeouts long, never silent for one. The pace
        // is the behaviour under test, not a wait for a condition.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int sequence = 0;
        while (System.nanoTime() - end < 0) {
            byte[] payload = Payloads.sequenced(sequence++, 16);
            assertSameBytes("echo #" + sequence + " on the active connection", payload, active.echo(payload));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }

        assertClosedByServer(idle, "the idle connection");
        awaitValue("idle closes", WAIT, stats::getIdleCloses, 1);
        awaitValue("open connections", WAIT, stats::getConnectionsOpen, 1);
        byte[] last = Payloads.random(9, 10);
        assertSameBytes("echo on the active connection after 3 s", last, active.echo(last));
        assertThat(stats.getIdleCloses()).as("idle closes (the active connection must not be one)").isEqualTo(1);
    }
}
