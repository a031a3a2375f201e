package dev.reactorworkbench.singlethreadreactor;

import dev.reactorworkbench.conformancekit.EchoClient;
import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One connection floods the reactor with pipelined frames (and reads its replies as fast as it
 * can, so backpressure never pauses it) while 50 others do request/response. With a read budget
 * per connection per turn, the 50 are all served while the flood is still going.
 */
@Timeout(120)
class ReadFairnessTest {

    private static final int QUIET_CLIENTS = 50;
    private static final int ROUND_TRIPS = 100;
    /** The flood's upper bound: far more than it sends before the quiet clients finish on a fair reactor. */
    private static final long FLOOD_FRAMES_MAX = 5_000_000;

    @Test
    @DisplayName("one flooding connection cannot starve 50 request/response connections")
    void floodDoesNotStarveOthers() throws Exception {
        try (RunningServer server = new SingleThreadReactorModel().start(ServerConfig.builder().port(0).build());
             Socket flood = new Socket("127.0.0.1", server.port())) {
            AtomicBoolean quietDone = new AtomicBoolean();
            AtomicLong floodSent = new AtomicLong();
            AtomicLong floodReplies = new AtomicLong();
            Thread floodWriter = Thread.ofPlatform().name("test-flood-writer").start(() -> writeFlood(flood, quietDone, floodSent));
            Thread floodReader = Thread.ofPlatform().name("test-flood-reader").start(() -> drain(flood, floodReplies));
            // Let the flood get going before the quiet clients start.
            while (floodReplies.get() < 10_000 && floodWriter.isAlive()) {
                Thread.sleep(5);
            }

            long floodAtStart = floodSent.get();
            int served = 0;
            try (ExecutorService clients = Executors.newFixedThreadPool(QUIET_CLIENTS, Thread.ofPlatform().name("test-quiet-", 0).factory())) {
                List<Future<Integer>> results = new ArrayList<>();
                for (int c = 0; c < QUIET_CLIENTS; c++) {
                    int id = c;
                    results.add(clients.submit(() -> roundTrips(server, id)));
                }
                for (Future<Integer> f : results) {
                    served += f.get();
                }
            }
            boolean floodStillGoing = floodWriter.isAlive();
            long floodDuring = floodSent.get() - floodAtStart;
            quietDone.set(true);
            floodWriter.join();
            flood.shutdownOutput();
            floodReader.join();

            System.out.printf("fairness: %d quiet round trips served while the flood sent %,d frames%n", served, floodDuring);
            assertThat(served).isEqualTo(QUIET_CLIENTS * ROUND_TRIPS);
            assertThat(floodStillGoing).as("the flood was still sending when every quiet client had been served").isTrue();
            assertThat(floodReplies.get()).isEqualTo(floodSent.get());
        }
    }

    private static int roundTrips(RunningServer server, int id) throws IOException {
        int ok = 0;
        try (EchoClient client = EchoClient.connect(server.address(), LengthPrefixedCodec.INSTANCE)) {
            for (int i = 0; i < ROUND_TRIPS; i++) {
                byte[] payload = ByteBuffer.allocate(8).putInt(id).putInt(i).array();
                if (java.util.Arrays.equals(client.echo(payload), payload)) {
                    ok++;
                }
            }
        }
        return ok;
    }

    /** Pipelines 1 KiB frames in batches until the quiet clients are done or the bound is reached. */
    private static void writeFlood(Socket socket, AtomicBoolean stop, AtomicLong sent) {
        byte[] frame = LengthPrefixedCodec.frame(new byte[1024]);
        byte[] batch = new byte[frame.length * 64];
        for (int i = 0; i < 64; i++) {
            System.arraycopy(frame, 0, batch, i * frame.length, frame.length);
        }
        try {
            OutputStream out = socket.getOutputStream();
            while (!stop.get() && sent.get() < FLOOD_FRAMES_MAX) {
                out.write(batch);
                sent.addAndGet(64);
            }
        } catch (IOException e) {
            throw new IllegalStateException("flood write failed", e);
        }
    }

    /** Counts the flood's replies (all 1 KiB frames) until the server closes after our half-close. */
    private static void drain(Socket socket, AtomicLong replies) {
        byte[] buf = new byte[64 * 1024];
        long bytes = 0;
        try {
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                bytes += n;
                replies.set(bytes / (4 + 1024));
            }
        } catch (IOException e) {
            throw new IllegalStateException("flood read failed", e);
        }
    }
}
