package dev.reactorworkbench.redis8asynciothreads;

import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Redis8AsyncIoThreadsModelTest {

    @Test
    @DisplayName("the model is found by name and declares one handler thread (the keyspace is a plain map)")
    void discoveredWithOneHandlerThread() {
        ServerModel model = ServerModel.named(Redis8AsyncIoThreadsModel.NAME);
        assertThat(model).isInstanceOf(Redis8AsyncIoThreadsModel.class);
        assertThat(model.handlerThreads()).isEqualTo(ServerModel.HandlerThreads.ONE);
    }

    @Test
    @DisplayName("io-threads counts the main thread: 1 leaves no I/O thread and is refused, naming the flag and the range")
    void ioThreadsRange() {
        ServerConfig one = ServerConfig.builder().port(0).option("io-threads", "1").build();
        assertThatThrownBy(() -> new Redis8AsyncIoThreadsModel().start(one))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("io-threads").hasMessageContaining("2..128");
    }
}
