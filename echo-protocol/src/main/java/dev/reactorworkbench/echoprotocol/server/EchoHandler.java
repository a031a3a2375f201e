package dev.reactorworkbench.echoprotocol.server;

import java.util.zip.CRC32C;

/**
 * Echo: the reply is the frame. With {@code workMicros > 0} it first burns that much CPU per
 * message (hashing the payload in a loop until the time is spent), so the models can be compared
 * when the handler is not free. Time is wall-clock ({@link System#nanoTime()}): on a busy machine
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

    @Override
    public byte[] handle(byte[] frame) {
        if (workNanos > 0) {
            burn(frame.length == 0 ? SEED : frame);
        }
        return frame;
    }

    private void burn(byte[] bytes) {
        long deadline = System.nanoTime() + workNanos;
        CRC32C crc = new CRC32C();
        int span = Math.min(bytes.length, 256);
        do {
            crc.update(bytes, 0, span);
        } while (System.nanoTime() < deadline);
        sink += crc.getValue();
    }

    @Override
    public String toString() {
        return "echo(work=" + workMicros() + "us)";
    }
}
