package dev.reactorworkbench.conformancekit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;

import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PayloadsTest {

    @Test
    @DisplayName("the same seed gives the same bytes, another seed other bytes")
    void randomIsReproducible() {
        assertThat(Payloads.random(7, 1000)).isEqualTo(Payloads.random(7, 1000)).isNotEqualTo(Payloads.random(8, 1000));
        assertThat(Payloads.random(7, 13)).hasSize(13);
    }

    @Test
    @DisplayName("payloads for the line codec never contain a newline")
    void withoutNewlineHasNoNewline() {
        assertThat(Payloads.random(1, 64 * 1024)).contains((byte) '\n'); // so the next line is a real check
        assertThat(Payloads.withoutNewline(1, 64 * 1024)).doesNotContain((byte) '\n');
    }

    @Test
    @DisplayName("a sequenced payload carries its sequence number and content derived from it")
    void sequencedPayloadsCarryTheirNumber() {
        assertThat(Payloads.sequenceOf(Payloads.sequenced(123_456, 100))).isEqualTo(123_456);
        assertThat(Payloads.sequenced(5, 64)).isEqualTo(Payloads.sequenced(5, 64));
        assertThat(Payloads.sequenced(5, 64)).isNotEqualTo(Payloads.sequenced(6, 64));
        assertThatThrownBy(() -> Payloads.sequenced(1, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("frames encoded back to back are the concatenation of each frame's wire bytes")
    void encodeAllConcatenatesFrames() {
        byte[] wire = Payloads.encodeAll(LengthPrefixedCodec.INSTANCE, List.of(new byte[] {1, 2}, new byte[0]));
        assertThat(wire).containsExactly(0, 0, 0, 2, 1, 2, 0, 0, 0, 0);
    }

    @Test
    @DisplayName("a byte mismatch is reported by position, not by printing both arrays")
    void assertSameBytesNamesTheFirstDifference() {
        byte[] expected = {1, 2, 3, 4};
        Payloads.assertSameBytes("equal", expected, expected.clone());
        assertThatThrownBy(() -> Payloads.assertSameBytes("reply #3", expected, new byte[] {1, 2, 9, 4}))
                .hasMessage("reply #3: expected 4 bytes, got 4; first difference at byte 2: expected 0x03, was 0x09");
        assertThatThrownBy(() -> Payloads.assertSameBytes("reply #4", expected, new byte[] {1, 2}))
                .hasMessageContaining("one is a prefix of the other");
    }
}
