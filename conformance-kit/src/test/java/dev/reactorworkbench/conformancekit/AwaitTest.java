package dev.reactorworkbench.conformancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class AwaitTest {

    @Test
    @DisplayName("returns as soon as the value is reached by another thread")
    @Timeout(30)
    void returnsWhenTheValueIsReached() throws Exception {
        AtomicLong counter = new AtomicLong();
        ClientTask task = ClientTask.start(() -> {
            for (int i = 0; i < 100; i++) {
                counter.incrementAndGet();
            }
        });
        Await.awaitValue("counter", Duration.ofSeconds(10), counter::get, 100);
        task.join(Duration.ofSeconds(10));
        assertThat(counter).hasValue(100);
    }

    @Test
    @DisplayName("fails after the timeout, naming what it waited for and the last value seen")
    @Timeout(30)
    void failsWithADescription() {
        assertThatThrownBy(() -> Await.awaitValue("open connections", Duration.ofMillis(50), () -> 3, 0))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("open connections to be 0; last seen 3");
        assertThatThrownBy(() -> Await.awaitCondition("the moon", Duration.ofMillis(50), () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("waiting for: the moon");
    }

    @Test
    @DisplayName("a client task's failure is rethrown by join, and reported by awaitEnd")
    @Timeout(30)
    void clientTaskFailuresSurface() throws Exception {
        ClientTask failing = ClientTask.start(() -> {
            throw new java.io.IOException("connection reset");
        });
        assertThat(failing.awaitEnd(Duration.ofSeconds(10))).hasMessage("connection reset");
        assertThat(failing.threadName()).startsWith("kit-client-");
        assertThatThrownBy(() -> failing.join(Duration.ofSeconds(10)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("connection reset");
    }

    @Test
    @DisplayName("awaitStall returns true once the progress stops moving, false when the work ends first")
    @Timeout(30)
    void awaitStallTellsAStallFromAnEnd() throws Exception {
        // A writer that makes progress for a while, then blocks (stalls) without ending.
        AtomicLong progress = new AtomicLong();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ClientTask stalling = ClientTask.start(() -> {
            for (int i = 0; i < 20; i++) {
                progress.incrementAndGet();
                Thread.sleep(5);
            }
            release.await(); // stalls here until the test releases it
        });
        assertThat(Await.awaitStall(progress::get, stalling::isDone, Duration.ofMillis(200), Duration.ofSeconds(20)))
                .as("a stall").isTrue();
        assertThat(progress).hasValue(20);
        release.countDown();
        stalling.join(Duration.ofSeconds(10));

        // Work that ends: not a stall.
        ClientTask ending = ClientTask.start(() -> progress.incrementAndGet());
        ending.join(Duration.ofSeconds(10));
        assertThat(Await.awaitStall(progress::get, ending::isDone, Duration.ofSeconds(5), Duration.ofSeconds(20)))
                .as("the work ended first").isFalse();
    }
}
