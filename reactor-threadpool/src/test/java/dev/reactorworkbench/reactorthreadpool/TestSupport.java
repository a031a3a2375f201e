package dev.reactorworkbench.reactorthreadpool;

import dev.reactorworkbench.conformancekit.EchoClient;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Payloads that say where they belong, pipelined exchanges, bounded waits. */
final class TestSupport {

    private TestSupport() {
    }

    /** A payload naming its connection and sequence number, padded to a length that varies with both. */
    static byte[] payload(int connection, int seq) {
        int length = 8 + (connection * 31 + seq * 17) % 120;
        ByteBuffer b = ByteBuffer.allocate(length).putInt(connection).putInt(seq);
        while (b.hasRemaining()) {
            b.put((byte) (seq + b.position()));
        }
        return b.array();
    }

    /**
     * Pipelines {@code frames} requests on one connection from a writer thread while this thread
     * reads the replies, checking that each is the echo of the request in the same position.
     * (Writing everything before reading could fill both socket buffers and stall the test client.)
     *
     * @return the number of replies that arrived, all of them matched and in order
     * @throws AssertionError at the first reply out of place
     */
    static int pipelineAndCheckOrder(EchoClient client, int connection, int frames) throws Exception {
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread writer = Thread.ofPlatform().name("test-writer-" + connection).start(() -> {
            try {
                for (int seq = 0; seq < frames; seq++) {
                    client.send(payload(connection, seq));
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        try {
            for (int seq = 0; seq < frames; seq++) {
                byte[] reply = client.receive();
                if (!java.util.Arrays.equals(reply, payload(connection, seq))) {
                    ByteBuffer r = ByteBuffer.wrap(reply);
                    throw new AssertionError("connection " + connection + ": reply " + seq + " is "
                            + (reply.length >= 8 ? "connection " + r.getInt() + " seq " + r.getInt() : reply.length + " bytes"));
                }
            }
        } finally {
            writer.join(30_000);
        }
        if (writer.isAlive() || failure.get() != null) {
            throw new AssertionError("writer of connection " + connection + " did not finish", failure.get());
        }
        return frames;
    }

    /** Polls {@code condition} every 5 ms for at most {@code seconds}. */
    static void await(String what, int seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + seconds + " s waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Names of the live threads whose name starts with one of {@code prefixes}. */
    static List<String> liveThreads(String... prefixes) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> java.util.Arrays.stream(prefixes).anyMatch(n::startsWith))
                .sorted()
                .toList();
    }
}
