package dev.reactorworkbench.servercore.lifecycle;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class ThreadsTest {

    @Test
    @DisplayName("an interrupted close still waits for the thread to end, and keeps the interrupt")
    void joinSurvivesInterruptAndRestoresIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread worker = Thread.ofPlatform().name("test-worker").start(() -> {
            try {
                release.await();
            } catch (InterruptedException ignored) {
                // not interrupted in this test
            }
        });
        boolean[] interruptedAfter = new boolean[1];
        boolean[] workerAliveAfter = new boolean[1];
        Thread closer = Thread.ofPlatform().name("test-closer").start(() -> {
            Threads.joinUninterruptibly(worker);
            workerAliveAfter[0] = worker.isAlive();
            interruptedAfter[0] = Thread.currentThread().isInterrupted();
        });
        while (closer.getState() != Thread.State.WAITING) { // blocked in join()
            Thread.onSpinWait();
        }
        closer.interrupt();
        closer.interrupt(); // twice: it must keep waiting, not spin or give up
        assertThat(closer.isAlive()).as("still waiting for the worker after the interrupt").isTrue();
        release.countDown();
        closer.join();
        assertThat(workerAliveAfter[0]).as("the worker had ended when joinUninterruptibly returned").isFalse();
        assertThat(interruptedAfter[0]).as("the interrupt flag is restored").isTrue();
    }

    @Test
    @DisplayName("the bounded join names the thread that did not end, and returns once the others have")
    void boundedJoinNamesTheThreadThatDidNotEnd() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Thread stuck = Threads.newThread("stuck-worker", () -> {
            try {
                release.await();
            } catch (InterruptedException ignored) {
                // released below
            }
        });
        Thread quick = Threads.newThread("quick-worker", () -> { });
        stuck.start();
        quick.start();
        try {
            assertThat(stuck.isDaemon()).as("the one daemon rule").isTrue();
            assertThatThrownBy(() -> Threads.join(List.of(quick, stuck), Duration.ofMillis(200)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stuck-worker")
                    .hasMessageNotContaining("quick-worker");
        } finally {
            release.countDown();
        }
        Threads.join(List.of(quick, stuck), Duration.ofSeconds(10)); // both ended: returns quietly
        assertThat(stuck.isAlive()).isFalse();
    }
}
