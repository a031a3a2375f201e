package dev.reactorworkbench.echoprotocol.server;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.codec.LineCodec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {

    private static void rejected(Executable setter, String message) {
        assertThatThrownBy(setter::execute).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    @DisplayName("the defaults: 127.0.0.1:7000, length-prefixed echo, 1 MiB frames, 5 min idle, 32..64 KiB water marks")
    void defaults() {
        ServerConfig c = ServerConfig.builder().build();

        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(7000);
        assertThat(c.codec()).isSameAs(LengthPrefixedCodec.INSTANCE);
        assertThat(c.handler()).isInstanceOf(EchoHandler.class);
        assertThat(c.threads()).isZero();
        assertThat(c.threadsOrCores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.maxFrameLength()).isEqualTo(ServerConfig.MIB);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.drainTimeout()).isEqualTo(ServerConfig.DEFAULT_DRAIN_TIMEOUT).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.writeLowWaterMark()).isEqualTo(32 * 1024);
        assertThat(c.writeHighWaterMark()).isEqualTo(64 * 1024);
        assertThat(c.maxConnections()).isEqualTo(10_000);
        assertThat(c.backlog()).isEqualTo(1024);
        assertThat(c.options()).isEmpty();
    }

    @Test
    @DisplayName("each out-of-range value is rejected at once, naming the field, the range and the value")
    void rangesAreChecked() {
        ServerConfig.Builder b = ServerConfig.builder();
        rejected(() -> b.port(-1), "port must be in 0..65535, was -1");
        rejected(() -> b.port(65_536), "port must be in 0..65535, was 65536");
        rejected(() -> b.threads(-1), "threads must be in 0..1024, was -1");
        rejected(() -> b.threads(1025), "threads must be in 0..1024, was 1025");
        rejected(() -> b.maxFrameLength(0), "maxFrameLength must be in 1..67108864, was 0");
        rejected(() -> b.maxFrameLength(64 * ServerConfig.MIB + 1), "maxFrameLength must be in 1..67108864, was 67108865");
        rejected(() -> b.maxConnections(0), "maxConnections must be in 1..1000000, was 0");
        rejected(() -> b.backlog(0), "backlog must be in 1..65535, was 0");
        rejected(() -> b.writeWaterMarks(0, 0), "writeHighWaterMark must be in 1..268435456, was 0");
        rejected(() -> b.writeWaterMarks(100, 100), "writeLowWaterMark must be in 0..99, was 100");
        rejected(() -> b.writeWaterMarks(-1, 100), "writeLowWaterMark must be in 0..99, was -1");
        rejected(() -> b.host(" "), "host must be an address or name, was blank");
        assertThatThrownBy(() -> b.idleTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout must be in 0s..1d");
        assertThatThrownBy(() -> b.drainTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drainTimeout must be in 0s..10m");
        assertThatThrownBy(() -> b.idleTimeout(Duration.ofDays(1).plusNanos(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout must be in 0s..1d");
        assertThatThrownBy(() -> b.codec(null)).isInstanceOf(NullPointerException.class).hasMessage("codec");
        assertThatThrownBy(() -> b.handler(null)).isInstanceOf(NullPointerException.class).hasMessage("handler");

        assertThat(b.build().port()).as("a rejected value leaves the builder as it was").isEqualTo(7000);
    }

    @Test
    @DisplayName("the edges of each range are accepted")
    void edgesAccepted() {
        ServerConfig c = ServerConfig.builder().port(0).threads(1024).maxFrameLength(1).maxConnections(1)
                .backlog(65_535).writeWaterMarks(0, 1).idleTimeout(Duration.ZERO).build();

        assertThat(c.port()).isZero();
        assertThat(c.threadsOrCores()).isEqualTo(1024);
        assertThat(c.writeLowWaterMark()).isZero();
        assertThat(c.writeHighWaterMark()).isEqualTo(1);
        assertThat(c.idleTimeout()).isZero();
    }

    @Test
    @DisplayName("toBuilder() derives a variant and leaves the original untouched")
    void toBuilder() {
        ServerConfig a = ServerConfig.builder().port(9000).codec(LineCodec.INSTANCE).option("workers", "4").build();

        ServerConfig b = a.toBuilder().port(9001).option("workers", null).build();

        assertThat(a.port()).isEqualTo(9000);
        assertThat(a.option("workers")).isEqualTo("4");
        assertThat(b.port()).isEqualTo(9001);
        assertThat(b.codec()).isSameAs(LineCodec.INSTANCE);
        assertThat(b.option("workers")).isNull();
    }

    @Test
    @DisplayName("intOption: the fallback when absent, the value when valid, else a message naming flag and range")
    void intOption() {
        ServerConfig c = ServerConfig.builder().option("workers", " 8 ").option("bad", "eight").option("big", "65").build();

        assertThat(c.intOption("absent", 4, 1, 64)).isEqualTo(4);
        assertThat(c.intOption("workers", 4, 1, 64)).isEqualTo(8);
        assertThatThrownBy(() -> c.intOption("bad", 4, 1, 64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad must be an integer in 1..64, was 'eight'");
        assertThatThrownBy(() -> c.intOption("big", 4, 1, 64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("big must be in 1..64, was 65");
    }

    @Test
    @DisplayName("the options map of a built config cannot be changed")
    void optionsImmutable() {
        ServerConfig c = ServerConfig.builder().option("workers", "2").build();

        assertThatThrownBy(() -> c.options().put("workers", "3")).isInstanceOf(UnsupportedOperationException.class);
    }
}
