package dev.reactorworkbench.servercore.loop;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class EventLoopTest {

    @Test
    @DisplayName("a loop closed before it was started frees its selector (a failed start leaks no descriptor)")
    void closeBeforeStartFreesTheSelector() throws Exception {
        long before = openDescriptors();
        for (int i = 0; i < 40; i++) {
            new EventLoop("never-started-" + i, Duration.ZERO).close();
        }
        long after = openDescriptors();
        // Each selector holds two or three descriptors (epoll and its wakeup pipe): a leak would add 80 or more.
        assertThat(after - before).as("descriptors left open by 40 loops closed before start").isLessThan(10);
    }

    @Test
    @DisplayName("a ready key goes to its IoHandle with the ready ops, on the loop's thread")
    void dispatchesToTheAttachedHandle() throws Exception {
        EventLoop loop = new EventLoop("test-loop", Duration.ZERO);
        Pipe pipe = Pipe.open();
        List<String> seen = new CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(1);
        SelectionKey[] key = new SelectionKey[1];
        IoHandle handle = new IoHandle() {
            @Override
            public void onReady(int readyOps) {
                seen.add(Thread.currentThread().getName() + " ops=" + readyOps);
                close();
                ready.countDown();
            }

            @Override
            public void close() {
                loop.deregister(key[0]);
                EventLoop.closeQuietly(pipe.source());
            }
        };
        key[0] = loop.register(pipe.source(), SelectionKey.OP_READ, handle);
        loop.start();
        try {
            pipe.sink().write(ByteBuffer.wrap(new byte[]{1}));
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).containsExactly("test-loop ops=" + SelectionKey.OP_READ);
        } finally {
            loop.shutdownGracefully(Duration.ZERO);
            loop.join(Duration.ofSeconds(10));
            pipe.sink().close();
        }
    }

    @Test
    @DisplayName("tasks handed in run on the loop thread in order, and beforeSleep runs after them in the same turn")
    void tasksInOrderThenBeforeSleep() throws Exception {
        EventLoop loop = new EventLoop("test-loop", Duration.ZERO);
        List<Integer> order = new ArrayList<>();                 // the loop thread only, read after join
        List<Integer> firstHookSaw = new CopyOnWriteArrayList<>(); // tasks done when beforeSleep first ran
        List<String> taskThreads = new CopyOnWriteArrayList<>();
        loop.beforeSleep(() -> {
            if (firstHookSaw.isEmpty()) {
                firstHookSaw.add(order.size());
            }
        });
        // Queued before start(): the first turn finds all of them waiting.
        for (int i = 0; i < 1_000; i++) {
            int n = i;
            loop.execute(() -> order.add(n));
        }
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            taskThreads.add(Thread.currentThread().getName());
            done.countDown();
        });
        loop.start();
        try {
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            loop.shutdownGracefully(Duration.ZERO);
            loop.join(Duration.ofSeconds(10));
        }
        assertThat(order).hasSize(1_000).isSorted();
        assertThat(taskThreads).containsExactly("test-loop");
        assertThat(firstHookSaw).as("tasks already run when the first beforeSleep ran").containsExactly(1_000);
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
