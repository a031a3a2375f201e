package dev.reactorworkbench.echoprotocol.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helpers: build a wire stream from payloads, and feed a decoder in chosen pieces. */
final class Frames {

    private Frames() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code n} pseudo-random bytes (fixed seed) that contain no {@code '\n'}. */
    static byte[] noNewlines(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n') {
                b[i] = 'x';
            }
        }
        return b;
    }

    /** The payloads encoded one after the other, as a client would send them. */
    static byte[] encodeAll(Codec codec, List<byte[]> payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : payloads) {
            ByteBuffer b = codec.encode(p);
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        }
        return out.toByteArray();
    }

    /** Offsets in the stream where each encoded payload ends. */
    static int[] boundaries(Codec codec, List<byte[]> payloads) {
        int[] ends = new int[payloads.size()];
        int at = 0;
        for (int i = 0; i < ends.length; i++) {
            at += codec.encode(payloads.get(i)).remaining();
            ends[i] = at;
        }
        return ends;
    }

    /**
     * Feeds {@code stream} to {@code decoder} cut at the given ascending offsets, each piece as a
     * buffer whose position and limit frame it inside the whole array (so a decoder that ignores
     * the position would fail).
     */
    static List<byte[]> feed(FrameDecoder decoder, byte[] stream, int... cuts) throws CloseConnectionException {
        List<byte[]> frames = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            decoder.decodeCopies(ByteBuffer.wrap(stream, from, cut - from), frames::add);
            from = cut;
        }
        decoder.decodeCopies(ByteBuffer.wrap(stream, from, stream.length - from), frames::add);
        return frames;
    }
}
