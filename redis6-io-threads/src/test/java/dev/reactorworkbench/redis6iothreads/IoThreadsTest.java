package dev.reactorworkbench.redis6iothreads;

import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.Handler;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Who does what: the handler on the main thread only, socket I/O on the I/O threads when busy. */
@Timeout(60)
class IoThreadsTest {

    private static final int CONNECTIONS = 64;
    private static final int PIPELINE = 8;
    private static final int MAX_ROUNDS = 150;

    private final Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
    private final Handler recordingHandler = Handler.ofBytes(frame -> {
        handlerThreads.add(Thread.currentThread().getName());
        return frame;
    });
    private final List<EchoClient> clients = new ArrayList<>();
    private MainLoop server;

    @AfterEach
    void closeEverything() {
        clients.forEach(EchoClient::close);
        if (server != null) {
            server.close();
        }
    }

    private MainLoop start(String ioThreads, String doReads) throws IOException {
        ServerConfig.Builder b = ServerConfig.builder().port(0).handler(recordingHandler).option("io-threads", ioThreads);
        if (doReads != null) {
            b.option("io-threads-do-reads", doReads);
        }
        server = (MainLoop) new Redis6IoThreadsModel().start(b.build());
        return server;
    }

    /**
     * Rounds of pipelined load over 64 connections, each reply checked in order, until every I/O
     * thread has done what {@code done} asks (or the bounded number of rounds runs out).
     */
    private void pipelineUntil(java.util.function.Predicate<List<MainLoop.IoActivity>> done) throws IOException {
        for (int i = 0; i < CONNECTIONS; i++) {
            clients.add(EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE));
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            // 1. Every connection gets its whole pipeline in one write, so many are readable at once.
            for (int c = 0; c < CONNECTIONS; c++) {
                ByteArrayOutputStream burst = new ByteArrayOutputStream();
                for (int s = 0; s < PIPELINE; s++) {
                    burst.writeBytes(LengthPrefixedCodec.frame(payload(round, c, s)));
                }
                clients.get(c).sendRaw(burst.toByteArray());
            }
            // 2. Every reply comes back, in request order.
            for (int c = 0; c < CONNECTIONS; c++) {
                for (int s = 0; s < PIPELINE; s++) {
                    assertThat(new String(clients.get(c).receive(), StandardCharsets.UTF_8))
                            .isEqualTo(new String(payload(round, c, s), StandardCharsets.UTF_8));
                }
            }
            if (round >= 3 && done.test(server.ioActivity())) {
                return;
            }
        }
    }

    private static byte[] payload(int round, int connection, int seq) {
        return ("r" + round + "-c" + connection + "-s" + seq + "-" + "x".repeat(seq * 37))
                .getBytes(StandardCharsets.UTF_8);
    }

    private static List<MainLoop.IoActivity> ioThreadsOnly(List<MainLoop.IoActivity> all) {
        return all.subList(1, all.size());
    }

    @Test
    @DisplayName("under load the I/O threads read and write while the handler runs on the main thread only")
    void handlerOnMainThreadIoOnIoThreads() throws IOException {
        start("3", null);

        pipelineUntil(all -> ioThreadsOnly(all).stream().allMatch(a -> a.reads() > 0 && a.writes() > 0));

        List<MainLoop.IoActivity> activity = server.ioActivity();
        assertThat(activity).extracting(MainLoop.IoActivity::thread)
                .containsExactly("main-loop", "io-thread-1", "io-thread-2");
        assertThat(ioThreadsOnly(activity)).allSatisfy(a -> {
            assertThat(a.reads()).as(a.thread() + " reads").isPositive();
            assertThat(a.writes()).as(a.thread() + " writes").isPositive();
        });
        assertThat(handlerThreads).containsExactly(MainLoop.THREAD_NAME);
    }

    @Test
    @DisplayName("with io-threads-do-reads=no only writes are threaded; reads stay on the main thread")
    void readsStayOnMainThreadWhenDoReadsIsOff() throws IOException {
        start("3", "no");

        pipelineUntil(all -> ioThreadsOnly(all).stream().allMatch(a -> a.writes() > 0));

        List<MainLoop.IoActivity> activity = server.ioActivity();
        assertThat(ioThreadsOnly(activity)).allSatisfy(a -> {
            assertThat(a.reads()).as(a.thread() + " reads").isZero();
            assertThat(a.writes()).as(a.thread() + " writes").isPositive();
        });
        assertThat(activity.get(0).reads()).isPositive();
        assertThat(handlerThreads).containsExactly(MainLoop.THREAD_NAME);
    }

    @Test
    @DisplayName("under low load (fewer connections than twice the threads) no I/O happens off the main thread, "
            + "even when several are ready in the same turn")
    void lowLoadStaysOnMainThread() throws IOException, InterruptedException {
        start("4", null); // threaded I/O needs 2 x 4 = 8 connections ready in one turn
        int connections = 7;
        int rounds = 100;
        for (int i = 0; i < connections; i++) {
            clients.add(EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE));
        }
        for (int round = 0; round < rounds; round++) {
            // Every connection sends before any reply is read, so a turn often finds several ready:
            // dealt round-robin they would go to io-thread-1.. if the low-load rule were not there.
            for (int c = 0; c < connections; c++) {
                clients.get(c).sendRaw(LengthPrefixedCodec.frame(payload(round, c, 0)));
            }
            for (int c = 0; c < connections; c++) {
                assertThat(new String(clients.get(c).receive(), StandardCharsets.UTF_8))
                        .isEqualTo(new String(payload(round, c, 0), StandardCharsets.UTF_8));
            }
        }

        // The main thread counts a write just after it hands the last reply to the socket: wait for it.
        long total = (long) connections * rounds;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (server.ioActivity().get(0).writes() < total && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        List<MainLoop.IoActivity> activity = server.ioActivity();
        assertThat(activity).hasSize(4);
        assertThat(activity.get(0).reads()).isGreaterThanOrEqualTo(total);
        assertThat(activity.get(0).writes()).isGreaterThanOrEqualTo(total);
        assertThat(ioThreadsOnly(activity)).allSatisfy(a -> {
            assertThat(a.reads()).as(a.thread() + " reads").isZero();
            assertThat(a.writes()).as(a.thread() + " writes").isZero();
        });
        assertThat(handlerThreads).containsExactly(MainLoop.THREAD_NAME);
    }

    @Test
    @DisplayName("io-threads 1 is the single-threaded Redis: no extra thread, everything on the main thread")
    void oneIoThreadMeansMainThreadAlone() throws IOException {
        start("1", null);

        pipelineUntil(all -> true);

        assertThat(server.ioActivity()).extracting(MainLoop.IoActivity::thread).containsExactly("main-loop");
        assertThat(server.ioActivity().get(0).reads()).isPositive();
        assertThat(handlerThreads).containsExactly(MainLoop.THREAD_NAME);
    }
}
