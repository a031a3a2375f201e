package dev.reactorworkbench.echoprotocol.server;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Echo: the reply is the frame, copied once, from the bytes the server read into the connection's
 * outbound buffer ({@link Reply#write(ByteBuffer)}). With {@code workMicros > 0} it first burns
 * that much CPU per message (hashing the payload in a loop until the time is spent), so the models
 * can be compared when the handler is not free. Time is wall-clock ({@link System#nanoTime()}): on a busy machine
 * a descheduled thread counts its wait as work, which is what a slow handler looks like too.
 */
public final class EchoHandler implements Handler {

    private static final byte[] SEED = new byte[64];

    private final long workNanos;
    // Written by every thread that runs the handler, read by none: it only keeps the JIT from
    // proving the hashing loop useless. Races on it are harmless.
    private long sink;

    public EchoHandler(long workMicros) {
        if (workMicros < 0 || workMicros > 1_000_000) {
            throw new IllegalArgumentException("work must be in 0..1000000 microseconds, was " + workMicros);
        }
        this.workNanos = workMicros * 1_000;
    }

    /** Microseconds of CPU burned per message. */
    public long workMicros() {
        return workNanos / 1_000;
    }

    // tag::echo[]
    @Override
    public void handle(ByteBuffer frame, Reply reply) {
        if (workNanos > 0) {
            spendWork(frame); // --work: burn CPU first, reading the frame
        }
        reply.write(frame); // the one copy: from the read buffer into the outbound buffer
    }
    // end::echo[]

    /**
     * Burns the configured CPU ({@code work}), hashing the frame's first 256 bytes in a loop until
     * the time is spent; the frame's position and limit are unchanged. For a handler that does
     * the same work before its own reply (the RESP keyspace).
     */
    public void spendWork(ByteBuffer frame) {
        if (workNanos == 0) {
            return;
        }
        long deadline = System.nanoTime() + workNanos;
        CRC32C crc = new CRC32C();
        int from = frame.position();
        int end = frame.limit();
        int span = Math.min(frame.remaining(), 256);
        do {
            if (span == 0) {
                crc.update(SEED, 0, SEED.length);
            } else {
                frame.limit(from + span);
                crc.update(frame); // moves the position to the limit
                frame.position(from);
            }
        } while (System.nanoTime() < deadline);
        frame.limit(end);
        sink += crc.getValue();
    }

    @Override
    public String toString() {
        return "echo(work=" + workMicros() + "us)";
    }
}
