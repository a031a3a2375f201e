package dev.reactorworkbench.servercore.lifecycle;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServerLogTest {

    @Test
    @DisplayName("a server logger comes with logging made ready, and readying again is harmless")
    void ready() {
        System.Logger log = ServerLog.logger(ServerLogTest.class);
        ServerLog.ready();
        assertThat(log.getName()).isEqualTo(ServerLogTest.class.getName());
    }
}
