package dev.reactorworkbench.comparisonbench;

import dev.reactorworkbench.comparisonbench.reference.NettyReferenceModel;
import dev.reactorworkbench.comparisonbench.reference.NettyTransport;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.EOFException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Heap allocated by the server per echoed message, counted by the JVM for each server thread
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}): a count, not a timing, so it
 * holds on a busy machine. JMH's {@code -prof gc} cannot give it, since in the comparison the
 * server runs in a process of its own and JMH's fork holds only the load generator.
 *
 * <p>Every model runs in this JVM in turn, with the Netty NIO reference (one event loop) beside
 * them; a blocking client on the test's own thread (not counted) echoes warm-up messages first
 * (the JIT compiles the path, the pools fill), then the measured ones. The server's threads are
 * the threads started since just before the server, and the JDK's carrier threads of virtual
 * threads ({@code ForkJoinPool-N-worker-M}, which may predate it). The table goes to standard
 * output; the assertion is the goal: the loop models that run the handler on the reactor
 * thread allocate nothing in proportion to the payload.
 */
@Timeout(600)
class AllocationPerMessageTest {

    private static final int CONNECTIONS = 4;
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 10_000;
    private static final int[] PAYLOADS = {64, 4096};
    /** A quarter of a 4 KiB payload: a view object per frame is fine, a copy of the payload is not. */
    private static final long BOUND = 1024;
    /** What 4,032 more bytes of payload may add per message: nothing in proportion to them. */
    private static final long GROWTH = 256;
    private static final List<String> IN_PLACE = List.of("single-thread-reactor", "multi-reactor", "multi-reactor-reuseport");
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    @DisplayName("the reactors that handle on the loop thread allocate nothing in proportion to the payload per echoed message")
    void noAllocationProportionalToThePayload() throws Exception {
        Map<String, long[]> table = new LinkedHashMap<>();
        for (ServerModel model : models()) {
            long[] row = new long[PAYLOADS.length];
            for (int i = 0; i < PAYLOADS.length; i++) {
                row[i] = bytesPerMessage(model, PAYLOADS[i]);
            }
            table.put(model.name(), row);
        }
        print(table);

        for (String name : IN_PLACE) {
            assertThat(table).containsKey(name);
            long small = table.get(name)[0];
            long large = table.get(name)[1];
            assertThat(large).as("%s: bytes allocated by the server per echoed 4 KiB message", name).isLessThan(BOUND);
            assertThat(large - small)
                    .as("%s: bytes allocated per 4 KiB message minus per 64 B message (in proportion to the payload?)", name)
                    .isLessThan(GROWTH);
        }
    }

    /** Every model on the class path but the test-only ones, then Netty NIO with one event loop. */
    private static List<ServerModel> models() {
        List<ServerModel> models = new ArrayList<>();
        for (ServerModel m : ServerModel.discover()) {
            if (!m.name().equals(TestOnlyModel.NAME) && !m.name().equals(CpuBurnModel.NAME)) {
                models.add(m);
            }
        }
        models.add(new NettyReferenceModel(NettyTransport.NIO));
        return models;
    }

    private static long bytesPerMessage(ServerModel model, int payload) throws Exception {
        Set<Long> before = new HashSet<>();
        for (long id : THREADS.getAllThreadIds()) {
            before.add(id);
        }
        ServerConfig config = ServerConfig.builder().port(0).threads(model instanceof NettyReferenceModel ? 1 : 0)
                .idleTimeout(java.time.Duration.ZERO).build();
        try (RunningServer server = model.start(config); Clients clients = new Clients(server.address(), payload)) {
            clients.echo(WARM_UP);
            Map<Long, Long> start = allocatedByServerThreads(before);
            clients.echo(MEASURED);
            Map<Long, Long> end = allocatedByServerThreads(before);
            long total = 0;
            for (Map.Entry<Long, Long> e : end.entrySet()) {
                total += e.getValue() - start.getOrDefault(e.getKey(), 0L); // a thread started meanwhile counts from 0
            }
            return total / MEASURED;
        }
    }

    /**
     * Bytes allocated so far by each live server thread: started after {@code before} was taken,
     * or a carrier of virtual threads. Never the client's (this one).
     */
    private static Map<Long, Long> allocatedByServerThreads(Set<Long> before) {
        long self = Thread.currentThread().threadId();
        long[] ids = Arrays.stream(THREADS.getThreadInfo(THREADS.getAllThreadIds()))
                .filter(info -> info != null && info.getThreadId() != self)
                .filter(info -> !before.contains(info.getThreadId())
                        || info.getThreadName().matches("ForkJoinPool-\\d+-worker-\\d+"))
                .mapToLong(java.lang.management.ThreadInfo::getThreadId)
                .toArray();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                byThread.put(ids[i], bytes[i]);
            }
        }
        return byThread;
    }

    private static void print(Map<String, long[]> table) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "heap allocated by the server per echoed message (bytes; %d connections, %,d warm-up then %,d measured messages)%n",
                CONNECTIONS, WARM_UP, MEASURED));
        out.append(String.format(Locale.ROOT, "| %-32s |", "model"));
        for (int p : PAYLOADS) {
            out.append(String.format(Locale.ROOT, " %8s |", p >= 1024 ? p / 1024 + " KiB" : p + " B"));
        }
        out.append(System.lineSeparator());
        table.forEach((name, row) -> {
            out.append(String.format(Locale.ROOT, "| %-32s |", name));
            for (long v : row) {
                out.append(String.format(Locale.ROOT, " %,8d |", v));
            }
            out.append(System.lineSeparator());
        });
        System.out.print(out);
    }

    /** Blocking length-prefixed clients, all on the calling thread: one request each, then each reply. */
    private static final class Clients implements AutoCloseable {
        private final List<SocketChannel> channels = new ArrayList<>();
        private final ByteBuffer request;
        private final ByteBuffer reply;
        private final byte[] payload;

        Clients(InetSocketAddress address, int size) throws IOException {
            payload = new byte[size];
            for (int i = 0; i < size; i++) {
                payload[i] = (byte) (i * 31 + 7);
            }
            request = ByteBuffer.allocateDirect(4 + size).putInt(size).put(payload).flip();
            reply = ByteBuffer.allocateDirect(4 + size);
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    SocketChannel c = SocketChannel.open(address);
                    channels.add(c);
                    c.socket().setTcpNoDelay(true);
                }
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        void echo(int messages) throws IOException {
            byte[] got = new byte[payload.length];
            for (int sent = 0; sent < messages; ) {
                int round = Math.min(CONNECTIONS, messages - sent);
                for (int i = 0; i < round; i++) {
                    request.rewind();
                    while (request.hasRemaining()) {
                        channels.get(i).write(request);
                    }
                }
                for (int i = 0; i < round; i++) {
                    reply.clear();
                    while (reply.hasRemaining()) {
                        if (channels.get(i).read(reply) < 0) {
                            throw new EOFException("the server closed connection " + i);
                        }
                    }
                    reply.flip();
                    if (reply.getInt() != payload.length) {
                        throw new IOException("wrong length prefix in a reply");
                    }
                    reply.get(got);
                    if (!Arrays.equals(got, payload)) {
                        throw new IOException("the reply differs from the request");
                    }
                }
                sent += round;
            }
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel c : channels) {
                c.close();
            }
        }
    }
}
