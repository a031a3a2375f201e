package dev.reactorworkbench.echoprotocol.codec;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RawCodecTest {

    private final Codec codec = RawCodec.INSTANCE;

    @Test
    @DisplayName("passes every read through as it came, bytes untouched, holding nothing")
    void passesBytesThrough() throws Exception {
        byte[] stream = new byte[300];
        new Random(11).nextBytes(stream);
        for (int cut = 0; cut <= stream.length; cut++) {
            FrameDecoder decoder = codec.newDecoder(1000);
            List<byte[]> frames = Frames.feed(decoder, stream, cut);
            List<byte[]> expected = new ArrayList<>();
            if (cut > 0) {
                expected.add(java.util.Arrays.copyOfRange(stream, 0, cut));
            }
            if (cut < stream.length) {
                expected.add(java.util.Arrays.copyOfRange(stream, cut, stream.length));
            }
            assertThat(frames).as("split at %d", cut).containsExactlyElementsOf(expected);
            assertThat(decoder.bufferedBytes()).isZero();
        }
    }

    @Test
    @DisplayName("a read larger than the frame limit is handed on in pieces of at most the limit")
    void largeReadInPieces() throws Exception {
        byte[] stream = new byte[25];
        new Random(12).nextBytes(stream);

        List<byte[]> frames = Frames.feed(codec.newDecoder(10), stream);

        assertThat(frames).extracting(f -> f.length).containsExactly(10, 10, 5);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        frames.forEach(joined::writeBytes);
        assertThat(joined.toByteArray()).isEqualTo(stream);
    }

    @Test
    @DisplayName("encodes a reply as its bytes, with no framing")
    void encodes() {
        byte[] reply = {0, (byte) 0xFF, '\n'};
        ByteBuffer b = codec.encode(reply);

        assertThat(b.position()).isZero();
        assertThat(b.remaining()).isEqualTo(3);
        byte[] out = new byte[3];
        b.get(out);
        assertThat(out).isEqualTo(reply);
    }
}
