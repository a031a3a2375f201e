package dev.reactorworkbench.launcher;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConvertersTest {

    @ParameterizedTest(name = "''{0}'' is {1}")
    @CsvSource({
            "0,       PT0S",
            "500ms,   PT0.5S",
            "30s,     PT30S",
            "45,      PT45S",
            "5m,      PT5M",
            "1h,      PT1H",
            "' 2M ',  PT2M",
            "90S,     PT1M30S",
    })
    @DisplayName("durations: 0, ms, s, m, h, and a bare number as seconds")
    void duration(String text, String expected) {
        assertThat(new Converters.DurationConverter().convert(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource({"''", "5x", "-1s", "1.5s", "ms", "5 m", "1d", "99999999999999999999s"})
    @DisplayName("anything else is not a duration, and the message quotes it")
    void durationRejects(String text) {
        assertThatThrownBy(() -> new Converters.DurationConverter().convert(text))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("must look like 0, 500ms, 30s, 5m or 1h, was '" + text + "'");
    }

    @ParameterizedTest(name = "''{0}'' is {1}")
    @CsvSource({
            "4096,    4096",
            "64k,     65536",
            "64KiB,   65536",
            "64kb,    65536",
            "1m,      1048576",
            "1MiB,    1048576",
            "' 2M ',  2097152",
            "1g,      1073741824",
            "0,       0",
    })
    @DisplayName("sizes: bytes, or k/KiB and m/MiB, binary")
    void size(String text, int expected) {
        assertThat(new Converters.SizeConverter().convert(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource({"''", "-1", "1.5m", "64 k", "2t", "2g", "99999999999999999999"})
    @DisplayName("anything else, or more than an int holds, is not a size")
    void sizeRejects(String text) {
        assertThatThrownBy(() -> new Converters.SizeConverter().convert(text))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("must be a byte count like 4096, 64k or 1m (k = 1024), was '" + text + "'");
    }

    @Test
    @DisplayName("a size that overflows a long is rejected, not wrapped round")
    void sizeOverflow() {
        assertThat(Converters.size("9007199254740993g")).isNull();
    }
}
