package dev.reactorworkbench.conformancekit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import dev.reactorworkbench.echoprotocol.codec.Codec;

/**
 * Payloads whose content a test can check byte for byte: seeded random bytes, random bytes without
 * {@code '\n'} (for the line codec), and payloads that carry their own sequence number so a reply
 * can be matched to its request.
 */
public final class Payloads {

    private Payloads() {
    }

    /** {@code size} pseudo-random bytes, the same for the same seed. */
    public static byte[] random(long seed, int size) {
        byte[] bytes = new byte[size];
        fill(new SplittableRandom(seed), bytes, 0);
        return bytes;
    }

    /** Like {@link #random} but never containing {@code '\n'}, so it is one line for the line codec. */
    public static byte[] withoutNewline(long seed, int size) {
        byte[] bytes = random(seed, size);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                bytes[i] = (byte) ('\n' + 1 + (i & 0x3F));
            }
        }
        return bytes;
    }

    /**
     * {@code size >= 4} bytes: the big-endian sequence number, then bytes derived from it, so both
     * the order and the content of a reply can be checked against {@link #sequenced} again.
     */
    public static byte[] sequenced(int sequence, int size) {
        if (size < Integer.BYTES) {
            throw new IllegalArgumentException("a sequenced payload needs at least 4 bytes, was " + size);
        }
        byte[] bytes = new byte[size];
        ByteBuffer.wrap(bytes).putInt(sequence);
        fill(new SplittableRandom(0x5EED_0000_0000L ^ sequence), bytes, Integer.BYTES);
        return bytes;
    }

    /** The sequence number a {@link #sequenced} payload (or its echo) starts with. */
    public static int sequenceOf(byte[] payload) {
        if (payload.length < Integer.BYTES) {
            throw new AssertionError("reply of " + payload.length + " bytes is too short to carry a sequence number");
        }
        return ByteBuffer.wrap(payload).getInt();
    }

    /** The wire bytes of several frames back to back, as one client write would send them. */
    public static byte[] encodeAll(Codec codec, List<byte[]> payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : payloads) {
            ByteBuffer frame = codec.encode(p);
            byte[] wire = new byte[frame.remaining()];
            frame.get(wire);
            out.writeBytes(wire);
        }
        return out.toByteArray();
    }

    /** How many bytes one payload takes on the wire in {@code codec}. */
    public static int wireLength(Codec codec, byte[] payload) {
        return codec.encode(payload).remaining();
    }

    /**
     * Fails with the first differing index instead of printing two megabytes of array: for every
     * comparison of an echo with what was sent.
     */
    public static void assertSameBytes(String what, byte[] expected, byte[] actual) {
        int mismatch = Arrays.mismatch(expected, actual);
        if (mismatch < 0) {
            return;
        }
        StringBuilder message = new StringBuilder(what).append(": expected ").append(expected.length)
                .append(" bytes, got ").append(actual.length);
        if (mismatch < Math.min(expected.length, actual.length)) {
            message.append("; first difference at byte ").append(mismatch)
                    .append(String.format(": expected 0x%02x, was 0x%02x", expected[mismatch], actual[mismatch]));
        } else {
            message.append("; one is a prefix of the other");
        }
        throw new AssertionError(message.toString());
    }

    private static void fill(SplittableRandom random, byte[] bytes, int from) {
        int i = from;
        while (i + Long.BYTES <= bytes.length) {
            long r = random.nextLong();
            for (int k = 0; k < Long.BYTES; k++) {
                bytes[i++] = (byte) (r >>> (8 * k));
            }
        }
        if (i < bytes.length) {
            long r = random.nextLong();
            while (i < bytes.length) {
                bytes[i++] = (byte) r;
                r >>>= 8;
            }
        }
    }
}
