package dev.reactorworkbench.echoprotocol.codec;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecTest {

    @Test
    @DisplayName("the codecs are length-prefixed, line, raw and resp, in that order")
    void all() {
        assertThat(Codec.all()).extracting(Codec::name).containsExactly("length-prefixed", "line", "raw", "resp");
    }

    @Test
    @DisplayName("looks a codec up by name, ignoring case")
    void named() {
        assertThat(Codec.named("line")).isSameAs(LineCodec.INSTANCE);
        assertThat(Codec.named("RAW")).isSameAs(RawCodec.INSTANCE);
        assertThat(Codec.named("Length-Prefixed")).isSameAs(LengthPrefixedCodec.INSTANCE);
        assertThat(Codec.named("RESP")).isSameAs(RespCodec.INSTANCE);
    }

    @Test
    @DisplayName("an unknown codec name is rejected with the names that exist")
    void unknown() {
        assertThatThrownBy(() -> Codec.named("http"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown codec 'http'")
                .hasMessageContaining("length-prefixed").hasMessageContaining("line").hasMessageContaining("raw")
                .hasMessageContaining("resp");
    }
}
