package dev.reactorworkbench.comparisonbench.load;

import java.nio.ByteBuffer;

/**
 * The bytes of each request, computed rather than stored, so that every reply can be checked byte
 * for byte without keeping a copy of what was sent.
 *
 * <p>Request {@code seq} of connection {@code conn} is a run of 8-byte little-endian words: word 0
 * is the sequence number itself (so a reply that arrives in the wrong place says whose it is),
 * word {@code b > 0} is a hash of {@code (conn, seq, b)}. A payload shorter than 8 bytes is a
 * prefix of word 0. Generating or checking one word is a handful of multiplications, cheap next to
 * the system calls that move the bytes.
 */
final class Payload {

    private Payload() {
    }

    /** Word {@code block} of request {@code seq} on connection {@code conn}. */
    static long word(int conn, long seq, int block) {
        if (block == 0) {
            return seq;
        }
        return mix(mix(((long) conn << 40) ^ seq) + block * 0x9E37_79B9_7F4A_7C15L);
    }

    /** Byte {@code index} of the payload. */
    static byte byteAt(int conn, long seq, int index) {
        return (byte) (word(conn, seq, index >>> 3) >>> ((index & 7) << 3));
    }

    /**
     * Writes payload bytes {@code from .. from + count} into {@code out} at its position, whole
     * words at a time where they are aligned.
     */
    static void fill(int conn, long seq, int from, int count, ByteBuffer out) {
        int i = from;
        int to = from + count;
        while (i < to) {
            if ((i & 7) == 0 && to - i >= 8) {
                out.putLong(Long.reverseBytes(word(conn, seq, i >>> 3))); // out is big-endian: write LE
                i += 8;
            } else {
                out.put(byteAt(conn, seq, i));
                i++;
            }
        }
    }

    /**
     * Compares the next {@code count} bytes of {@code in} (consuming them) with payload bytes
     * {@code from .. from + count}.
     *
     * @return the payload index of the first byte that differs, or -1 when all match
     */
    static int firstMismatch(int conn, long seq, int from, int count, ByteBuffer in) {
        int i = from;
        int to = from + count;
        int mismatch = -1;
        while (i < to) {
            if ((i & 7) == 0 && to - i >= 8) {
                long got = Long.reverseBytes(in.getLong());
                long want = word(conn, seq, i >>> 3);
                if (got != want && mismatch < 0) {
                    mismatch = i + (Long.numberOfTrailingZeros(got ^ want) >>> 3);
                }
                i += 8;
            } else {
                if (in.get() != byteAt(conn, seq, i) && mismatch < 0) {
                    mismatch = i;
                }
                i++;
            }
        }
        return mismatch;
    }

    /** A 64-bit finaliser (the one of SplitMix64): every input bit affects every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
