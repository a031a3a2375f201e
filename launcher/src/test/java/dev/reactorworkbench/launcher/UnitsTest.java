package dev.reactorworkbench.launcher;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class UnitsTest {

    @ParameterizedTest(name = "{0} ns is ''{1}''")
    @CsvSource(delimiter = '|', value = {
            "0             | 0 ns",
            "999           | 999 ns",
            "1000          | 1.0 µs",
            "144100        | 144.1 µs",
            "999949        | 999.9 µs",
            "1000000       | 1.00 ms",
            "2470000       | 2.47 ms",
            "2000000000    | 2.00 s",
    })
    @DisplayName("latency is in µs below 1 ms and in ms above, always with a space")
    void latency(long nanos, String expected) {
        String us = Units.MICROS;
        assertThat(Units.latencyNanos(nanos)).isEqualTo(expected.replace("µs", us));
    }

    @Test
    @DisplayName("latency given in microseconds (JMH's unit) reads the same; unknown is a dash")
    void latencyMicros() {
        assertThat(Units.latencyMicros(2_470)).isEqualTo("2.47 ms");
        assertThat(Units.latencyMicros(144.1)).isEqualTo(Units.latencyNanos(144_100));
        assertThat(Units.latencyMicros(Double.NaN)).isEqualTo("-");
    }

    @Test
    @DisplayName("rates are msgs/s with thousands separators, MB/s with two decimals")
    void rates() {
        assertThat(Units.rate(41_230.4)).isEqualTo("41,230 msgs/s");
        assertThat(Units.megabytesPerSecond(2.641)).isEqualTo("2.64 MB/s");
    }

    @Test
    @DisplayName("durations for a person: ms below a second, s below a minute, then minutes and seconds")
    void durations() {
        assertThat(Units.duration(Duration.ofMillis(250))).isEqualTo("250 ms");
        assertThat(Units.duration(Duration.ofSeconds(10))).isEqualTo("10.00 s");
        assertThat(Units.duration(Duration.ofSeconds(125))).isEqualTo("2 min 5 s");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PT0S, 0", "PT0.5S, 500ms", "PT30S, 30s", "PT90S, 90s", "PT5M, 5m", "PT2H, 2h", "PT1.25S, 1250ms"})
    @DisplayName("a duration in flag syntax reads back as the same duration")
    void flagDuration(String iso, String flag) {
        Duration d = Duration.parse(iso);
        assertThat(Units.flagDuration(d)).isEqualTo(flag);
        assertThat(Converters.duration(flag)).isEqualTo(d);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0, 0", "1000, 1000", "4096, 4KiB", "65536, 64KiB", "1048576, 1MiB", "1049600, 1025KiB"})
    @DisplayName("a size in flag syntax reads back as the same number of bytes")
    void flagSize(long bytes, String flag) {
        assertThat(Units.flagSize(bytes)).isEqualTo(flag);
        assertThat(Converters.size(flag)).isEqualTo(bytes);
    }
}
