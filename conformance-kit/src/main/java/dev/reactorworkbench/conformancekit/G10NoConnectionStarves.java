package dev.reactorworkbench.conformancekit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;

/**
 * Guarantee 10: no connection starves. Under a closed loop of many connections (each sends one
 * frame, waits for its reply, sends the next), every connection is served a fair share, counted
 * per connection, never timed: each completes at least a quarter of the mean number of round trips.
 *
 * <p>The load is a parameter ({@link #connections()}, {@link #workMicros()} ...), so a model whose
 * scheduling is in question can run the same check at the shape where it failed (the proactor at
 * 1,024 connections, {@code --work 20 --threads 2}).
 */
public abstract class G10NoConnectionStarves extends Guarantee {

    protected G10NoConnectionStarves(ServerUnderTest target) {
        super(target);
    }

    /** Connections in the closed loop, each with one request in flight. */
    protected int connections() {
        return 100;
    }

    /** How long the loop runs; the counts, not the time, are the result. */
    protected Duration loopFor() {
        return Duration.ofSeconds(3);
    }

    protected int payloadBytes() {
        return 64;
    }

    /** CPU the handler burns per frame, in microseconds. */
    protected int workMicros() {
        return 0;
    }

    @Test
    @DisplayName("under a closed loop of many connections, every connection completes at least a quarter of the mean number of round trips")
    @Timeout(180)
    void everyConnectionGetsAFairShare(TestReporter reporter) throws Exception {
        int n = connections();
        int size = Math.max(4, payloadBytes());
        RunningServer server = startServer(b -> b.codec(LENGTH_PREFIXED).handler(new EchoHandler(workMicros())));

        // 1. The closed loop: the connections are opened one after the other, each looping from
        //    its first request on, so the server accepts while it serves (a connection left in the
        //    backlog starves too); then every round trip of a common window counts.
        long[] roundTrips = ClosedLoop.run(server.address(), n, size, loopFor());

        // 2. The counts: the least served connection against the mean.
        long total = Arrays.stream(roundTrips).sum();
        long min = Arrays.stream(roundTrips).min().orElseThrow();
        long max = Arrays.stream(roundTrips).max().orElseThrow();
        double mean = (double) total / n;
        long starved = Arrays.stream(roundTrips).filter(r -> r * 4 < mean).count();
        String figures = String.format("%,d connections, %d B, work %d us, %d s: round trips per connection min %,d,"
                        + " mean %,.1f, max %,d; %d below a quarter of the mean; the five least served: %s",
                n, size, workMicros(), loopFor().toSeconds(), min, mean, max, starved, leastServed(roundTrips, 5));
        reporter.publishEntry("round trips per connection", figures);
        System.out.println(target().model().name() + ", guarantee 10: " + figures); // in the test's output, for the record

        assertThat(server.stats().getMessagesOut()).as("messages out (the server's count) against the round trips counted")
                .isGreaterThanOrEqualTo(total);
        assertThat(min).as("every connection completed at least one round trip; " + figures).isPositive();
        assertThat(min * 4.0).as("the least served connection against a quarter of the mean; " + figures)
                .isGreaterThanOrEqualTo(mean);
    }

    private static String leastServed(long[] roundTrips, int k) {
        return IntStream.range(0, roundTrips.length).boxed()
                .sorted((a, b) -> Long.compare(roundTrips[a], roundTrips[b]))
                .limit(k)
                .map(i -> "#" + i + "=" + roundTrips[i])
                .toList()
                .toString();
    }
}
