package dev.reactorworkbench.echoprotocol.codec;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.reactorworkbench.echoprotocol.codec.Frames.ascii;
import static dev.reactorworkbench.echoprotocol.codec.Frames.noNewlines;
import static org.assertj.core.api.Assertions.assertThat;

/** What both framing codecs promise: the same frames however TCP splits or coalesces the stream. */
@DisplayName("framing codecs (length-prefixed, line)")
class FramingCodecsTest {

    private static final int MAX = 1000;

    /** Several frames: empty ones, one byte, one larger than a decoder's first allocation (256), one at the limit. */
    static Stream<Arguments> codecsAndFrames() {
        List<byte[]> lengthPrefixed = List.of(new byte[0], ascii("a"), noNewlines(300, 1), new byte[0],
                new byte[]{0, (byte) 0xFF, '\n', '\r', 0}, noNewlines(MAX, 2), ascii("hello"));
        List<byte[]> lines = List.of(new byte[0], ascii("a"), noNewlines(300, 3), new byte[0],
                new byte[]{0, (byte) 0xFF, '\r', 0}, ascii("hello\r"), noNewlines(MAX, 4), ascii("bye"));
        return Stream.of(Arguments.of(LengthPrefixedCodec.INSTANCE, lengthPrefixed), Arguments.of(LineCodec.INSTANCE, lines));
    }

    /** A short stream, for splitting at every pair of points. */
    static Stream<Arguments> codecsAndShortFrames() {
        return Stream.of(
                Arguments.of(LengthPrefixedCodec.INSTANCE, List.of(ascii("ab"), new byte[0], ascii("cde"), ascii("f"))),
                Arguments.of(LineCodec.INSTANCE, List.of(ascii("ab"), new byte[0], ascii("c\rde"), ascii("f\r"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecsAndFrames")
    @DisplayName("decodes a stream of several frames coalesced into one read")
    void coalesced(Codec codec, List<byte[]> payloads) throws Exception {
        byte[] stream = Frames.encodeAll(codec, payloads);
        FrameDecoder decoder = codec.newDecoder(MAX);

        assertThat(Frames.feed(decoder, stream)).containsExactlyElementsOf(payloads);
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecsAndFrames")
    @DisplayName("decodes the same frames wherever the stream is split in two")
    void splitOnceAnywhere(Codec codec, List<byte[]> payloads) throws Exception {
        byte[] stream = Frames.encodeAll(codec, payloads);
        for (int cut = 0; cut <= stream.length; cut++) {
            FrameDecoder decoder = codec.newDecoder(MAX);
            assertThat(Frames.feed(decoder, stream, cut)).as("split at %d", cut).containsExactlyElementsOf(payloads);
            assertThat(decoder.bufferedBytes()).as("split at %d", cut).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecsAndShortFrames")
    @DisplayName("decodes the same frames wherever the stream is split in three")
    void splitTwiceAnywhere(Codec codec, List<byte[]> payloads) throws Exception {
        byte[] stream = Frames.encodeAll(codec, payloads);
        for (int a = 0; a <= stream.length; a++) {
            for (int b = a; b <= stream.length; b++) {
                FrameDecoder decoder = codec.newDecoder(MAX);
                assertThat(Frames.feed(decoder, stream, a, b)).as("split at %d and %d", a, b)
                        .containsExactlyElementsOf(payloads);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecsAndFrames")
    @DisplayName("fed a byte at a time, holds exactly the bytes since the last frame, so 0 between frames")
    void byteByByteHoldsOnlyTheFrameInProgress(Codec codec, List<byte[]> payloads) throws Exception {
        byte[] stream = Frames.encodeAll(codec, payloads);
        int[] ends = Frames.boundaries(codec, payloads);
        FrameDecoder decoder = codec.newDecoder(MAX);
        List<byte[]> frames = new ArrayList<>();
        int lastEnd = 0;
        int next = 0;
        for (int i = 0; i < stream.length; i++) {
            decoder.decodeCopies(ByteBuffer.wrap(stream, i, 1), frames::add);
            int fed = i + 1;
            while (next < ends.length && ends[next] <= fed) {
                lastEnd = ends[next++];
            }
            assertThat(frames).as("frames after %d bytes", fed).hasSize(next);
            assertThat(decoder.bufferedBytes()).as("bytes held after %d bytes", fed).isEqualTo(fed - lastEnd);
        }
        assertThat(frames).containsExactlyElementsOf(payloads);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecsAndFrames")
    @DisplayName("decodes from direct buffers as from heap buffers")
    void directBuffers(Codec codec, List<byte[]> payloads) throws Exception {
        byte[] stream = Frames.encodeAll(codec, payloads);
        FrameDecoder decoder = codec.newDecoder(MAX);
        List<byte[]> frames = new ArrayList<>();
        for (int from = 0; from < stream.length; from += 7) {
            int n = Math.min(7, stream.length - from);
            ByteBuffer direct = ByteBuffer.allocateDirect(n).put(stream, from, n).flip();
            decoder.decodeCopies(direct, frames::add);
            assertThat(direct.hasRemaining()).as("every byte consumed").isFalse();
        }
        assertThat(frames).containsExactlyElementsOf(payloads);
    }
}
