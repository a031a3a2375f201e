package dev.reactorworkbench.servercore.loop;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read budget, counted: a connection with far more bytes waiting than {@link Connection#READ_BUDGET}
 * gets at most the budget read in one turn of the loop, and the rest in the turns after, so one
 * flooding connection cannot keep the loop from the others. (An echo load rarely shows the budget:
 * its replies reach the high water mark first and pause the reading. Here the frames get no reply.)
 */
@Timeout(60)
class ReadBudgetTest {

    private static final int PAYLOAD = 1024;
    private static final int FRAME = LengthPrefixedCodec.HEADER + PAYLOAD;
    /** Asked of the kernel for both ends; it grants what its limits allow (often less). */
    private static final int SOCKET_BUFFER = 4 << 20;

    @Test
    @DisplayName("a connection with more bytes waiting than the budget is read in several turns, at most the budget each")
    void oneTurnReadsAtMostTheBudget() throws Exception {
        EventLoop loop = new EventLoop("reactor-budget-test", Duration.ZERO);
        AtomicLong frames = new AtomicLong();                   // written on the loop thread only
        List<Long> framesByTurn = new CopyOnWriteArrayList<>(); // frames processed in each turn that read some
        long[] seen = {0};
        loop.beforeSleep(() -> {
            long now = frames.get();
            if (now > seen[0]) {
                framesByTurn.add(now - seen[0]);
                seen[0] = now;
            }
        });
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER); // inherited by the accepted socket
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            try (SocketChannel client = SocketChannel.open()) {
                client.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
                client.connect(listener.getLocalAddress());
                SocketChannel accepted = listener.accept();
                accepted.configureBlocking(false);

                // 1. Before the loop runs, the client writes whole frames until the kernel takes no more:
                //    everything it took is waiting for the server's first read.
                long waiting = fill(client);
                assertThat(waiting).as("bytes the kernel buffered for the server (the test needs more than one budget)")
                        .isGreaterThan(Connection.READ_BUDGET + (long) FRAME);

                // 2. A connection whose frames get no reply (so backpressure never pauses its reading).
                new Connection(loop, accepted, ServerConfig.builder().idleTimeout(Duration.ZERO).build(), new ServerStats(),
                        c -> frame -> frames.incrementAndGet(), () -> { });
                loop.start();

                long expected = waiting / FRAME; // whole frames only
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (frames.get() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                System.out.printf("read budget: %,d bytes waiting, frames per turn %s%n", waiting, framesByTurn);
                assertThat(frames.get()).as("every frame written reached the processor").isEqualTo(expected);
                // 3. No turn read more than the budget: at most its bytes' worth of frames, plus one frame
                //    whose head the turn before had read.
                long perTurn = Connection.READ_BUDGET / FRAME + 1;
                assertThat(framesByTurn).as("frames processed per turn").allMatch(n -> n <= perTurn);
                assertThat(framesByTurn.size()).as("turns that read").isGreaterThan(1);
            }
        } finally {
            loop.shutdownGracefully(Duration.ZERO);
            loop.join(Duration.ofSeconds(10));
        }
    }

    /**
     * Non-blocking writes of 1 KiB frames until the socket takes nothing more; the bytes taken (the
     * last frame may be cut short: its head waits too, and is never completed).
     */
    private static long fill(SocketChannel client) throws Exception {
        client.configureBlocking(false);
        byte[] frame = LengthPrefixedCodec.frame(new byte[PAYLOAD]);
        ByteBuffer chunk = ByteBuffer.allocate(FRAME * 64);
        for (int i = 0; i < 64; i++) {
            chunk.put(frame);
        }
        chunk.flip();
        long taken = 0;
        for (int full = 0; full < 50; ) { // 50 x 10 ms of "takes nothing": the buffers are full
            if (!chunk.hasRemaining()) {
                chunk.rewind();
            }
            int n = client.write(chunk);
            taken += n;
            if (n == 0) {
                full++;
                Thread.sleep(10);
            } else {
                full = 0;
            }
        }
        return taken;
    }
}
