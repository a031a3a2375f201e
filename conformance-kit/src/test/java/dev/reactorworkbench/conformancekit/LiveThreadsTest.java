package dev.reactorworkbench.conformancekit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LiveThreadsTest {

    @Test
    @DisplayName("reads ids, names (with escapes) and the virtual flag out of a JDK 25 JSON thread dump")
    void parsesJdk25Format() {
        String json = """
                {"threadDump": {"threadContainers": [
                  {"container": "<root>", "parent": null, "owner": null, "threads": [
                    {"tid": "3", "time": "2026-01-01T00:00:00Z", "name": "main", "state": "RUNNABLE",
                     "stack": ["java.base\\/java.lang.Thread.run(Thread.java:1474)"]},
                    {"tid": "26", "time": "t", "name": "acc\\"ept\\\\or", "state": "WAITING", "stack": [],
                     "monitorsOwned": [{"depth": 4, "locks": ["java.lang.Object@1"]}]},
                    {"tid": "23", "time": "t", "virtual": true, "name": "conn-7", "state": "WAITING", "stack": []}
                  ], "threadCount": "3"},
                  {"container": "java.util.concurrent.ThreadPerTaskExecutor@cd3fee8", "parent": "<root>", "threads": [
                    {"tid": "40", "time": "t", "virtual": true, "name": "", "state": "RUNNABLE", "stack": []}
                  ]}
                ]}}
                """;
        Map<Long, LiveThreads.LiveThread> threads = LiveThreads.parse(json);

        assertThat(threads).containsOnlyKeys(3L, 26L, 23L, 40L);
        assertThat(threads.get(3L)).isEqualTo(new LiveThreads.LiveThread(3, "main", false));
        assertThat(threads.get(26L).name()).isEqualTo("acc\"ept\\or");
        assertThat(threads.get(23L)).isEqualTo(new LiveThreads.LiveThread(23, "conn-7", true));
        assertThat(threads.get(40L)).isEqualTo(new LiveThreads.LiveThread(40, "", true));
    }

    @Test
    @DisplayName("reads the JDK 21 format, where the name follows the id directly")
    void parsesJdk21Format() {
        String json = """
                {"threadDump": {"threadContainers": [{"container": "<root>", "threads": [
                  {"tid": "1", "name": "main", "stack": ["a.b.C.d(C.java:1)"]},
                  {"tid": "31", "name": "Read-Poller", "stack": []}
                ]}]}}
                """;
        assertThat(LiveThreads.parse(json).values()).extracting(LiveThreads.LiveThread::name)
                .containsExactly("main", "Read-Poller");
    }

    @Test
    @DisplayName("ignores JDK-owned and kit threads, but never a model's role threads")
    void ignoresOnlyThreadsNoModelStarts() {
        assertThat(LiveThreads.isIgnored("ForkJoinPool-1-worker-3")).isTrue();
        assertThat(LiveThreads.isIgnored("ForkJoinPool-1-delayScheduler")).isTrue();
        assertThat(LiveThreads.isIgnored("ForkJoinPool.commonPool-worker-1")).isTrue();
        assertThat(LiveThreads.isIgnored("SubPoller-0")).isTrue();
        assertThat(LiveThreads.isIgnored("Read-Poller")).isTrue();
        assertThat(LiveThreads.isIgnored("kit-client-12")).isTrue();
        assertThat(LiveThreads.isIgnored("conn-0")).isFalse();
        assertThat(LiveThreads.isIgnored("acceptor")).isFalse();
        assertThat(LiveThreads.isIgnored("reactor-0")).isFalse();
        assertThat(LiveThreads.isIgnored("")).isFalse();
    }

    @Test
    @DisplayName("sees platform and virtual threads started since a snapshot, and no longer sees them once they end")
    @Timeout(30)
    void findsThreadsStartedSinceASnapshot() throws Exception {
        Map<Long, LiveThreads.LiveThread> before = LiveThreads.snapshot();
        CountDownLatch release = new CountDownLatch(1);
        Runnable waitForRelease = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread platform = Thread.ofPlatform().name("test-platform-worker").start(waitForRelease);
        Thread virtual = Thread.ofVirtual().name("test-virtual-worker").start(waitForRelease);
        try {
            assertThat(LiveThreads.startedSince(before))
                    .contains(new LiveThreads.LiveThread(platform.threadId(), "test-platform-worker", false),
                            new LiveThreads.LiveThread(virtual.threadId(), "test-virtual-worker", true));
        } finally {
            release.countDown();
            platform.join();
            virtual.join();
        }
        assertThat(LiveThreads.startedSince(before)).extracting(LiveThreads.LiveThread::name)
                .doesNotContain("test-platform-worker", "test-virtual-worker");
    }
}
