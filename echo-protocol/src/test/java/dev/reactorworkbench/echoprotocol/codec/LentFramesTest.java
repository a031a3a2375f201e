package dev.reactorworkbench.echoprotocol.codec;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.reactorworkbench.echoprotocol.codec.Frames.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Frames are lent, not copied: views of the input, read-only, emptied once the consumer returns. */
class LentFramesTest {

    /** Each codec with the bytes of one frame "hello" and where its payload starts in them. */
    static Stream<Arguments> codecs() {
        return Stream.of(
                Arguments.of(LengthPrefixedCodec.INSTANCE, LengthPrefixedCodec.frame(ascii("hello")), 4),
                Arguments.of(LineCodec.INSTANCE, ascii("hello\n"), 0),
                Arguments.of(RawCodec.INSTANCE, ascii("hello"), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("a frame that arrived whole is a read-only view of the input's own bytes, not a copy")
    void wholeFrameIsAView(Codec codec, byte[] stream, int payloadAt) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(stream);
        List<String> seen = new ArrayList<>();
        codec.newDecoder(1000).decode(in, frame -> {
            assertThat(frame.isReadOnly()).isTrue();
            assertThatThrownBy(() -> frame.put(0, (byte) 'X')).isInstanceOf(ReadOnlyBufferException.class);
            seen.add(text(frame));
            stream[payloadAt] = 'J'; // the input changes under the view: the view shows it, so it is no copy
            seen.add(text(frame));
        });
        assertThat(seen).containsExactly("hello", "Jello");
        assertThat(in.hasRemaining()).as("every byte consumed").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    @DisplayName("a kept frame is empty once the consumer has returned: no byte of what the buffer holds next can be read through it")
    void keptFrameIsEmptied(Codec codec, byte[] stream, int payloadAt) throws Exception {
        List<ByteBuffer> kept = new ArrayList<>();
        codec.newDecoder(1000).decode(ByteBuffer.wrap(stream), kept::add);
        assertThat(kept).hasSize(1);
        ByteBuffer frame = kept.getFirst();
        assertThat(frame.remaining()).isZero();
        assertThatThrownBy(frame::get).isInstanceOf(java.nio.BufferUnderflowException.class);
        assertThatThrownBy(() -> frame.get(0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(frame.capacity()).as("the view spans the frame only, not the buffer around it").isEqualTo(5);
    }

    @Test
    @DisplayName("a frame split over reads is lent from the decoder's own storage, and emptied the same way")
    void splitFrameIsLentToo() throws Exception {
        FrameDecoder decoder = LengthPrefixedCodec.INSTANCE.newDecoder(1000);
        byte[] stream = LengthPrefixedCodec.frame(ascii("hello world"));
        List<ByteBuffer> kept = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        decoder.decode(ByteBuffer.wrap(stream, 0, 7), kept::add);
        decoder.decode(ByteBuffer.wrap(stream, 7, stream.length - 7), frame -> {
            assertThat(frame.isReadOnly()).isTrue();
            seen.add(text(frame));
            kept.add(frame);
        });
        assertThat(seen).containsExactly("hello world");
        assertThat(kept).hasSize(1);
        assertThat(kept.getFirst().remaining()).isZero();
    }

    @Test
    @DisplayName("decodeCopies hands out arrays of their own, for a caller that keeps the frames")
    void copies() throws Exception {
        byte[] stream = LengthPrefixedCodec.frame(ascii("hello"));
        List<byte[]> frames = new ArrayList<>();
        LengthPrefixedCodec.INSTANCE.newDecoder(1000).decodeCopies(ByteBuffer.wrap(stream), frames::add);
        stream[4] = 'J';
        assertThat(frames).hasSize(1);
        assertThat(new String(frames.getFirst(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("hello");
    }

    private static String text(ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.get(frame.position(), b);
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
