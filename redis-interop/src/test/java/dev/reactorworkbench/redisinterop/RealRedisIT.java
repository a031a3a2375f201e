package dev.reactorworkbench.redisinterop;

import dev.reactorworkbench.comparisonbench.redis.RealRedis;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reference rows' real redis-server: started on an ephemeral port without persistence, stopped for good. */
@Timeout(120)
class RealRedisIT {

    @Test
    @DisplayName("'redis': one I/O thread, no persistence, answering; gone and its port free after close")
    void plainRedis() throws Exception {
        RedisTools.require("redis-server");
        RealRedis redis = RealRedis.start(1);
        ProcessHandle process;
        int port = redis.port();
        try (redis) {
            process = ProcessHandle.of(redis.pid()).orElseThrow();
            assertThat(redis.name()).isEqualTo("redis");
            try (RespClient client = new RespClient(port, Duration.ofSeconds(10))) {
                assertThat(client.call("PING")).isEqualTo("+PONG\r\n");
                assertThat(client.call("CONFIG", "GET", "save")).isEqualTo("*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
                assertThat(client.call("CONFIG", "GET", "appendonly")).isEqualTo("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
                assertThat(client.call("CONFIG", "GET", "io-threads")).isEqualTo("*2\r\n$10\r\nio-threads\r\n$1\r\n1\r\n");
            }
        }
        assertThat(process.isAlive()).as("redis-server is stopped").isFalse();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    @DisplayName("'redis-io-threads': --io-threads N with threaded reads")
    void ioThreads() throws Exception {
        RedisTools.require("redis-server");
        try (RealRedis redis = RealRedis.start(2);
             RespClient client = new RespClient(redis.port(), Duration.ofSeconds(10))) {
            assertThat(redis.name()).isEqualTo("redis-io-threads");
            assertThat(client.call("CONFIG", "GET", "io-threads")).isEqualTo("*2\r\n$10\r\nio-threads\r\n$1\r\n2\r\n");
            assertThat(client.call("CONFIG", "GET", "io-threads-do-reads")).isEqualTo("*2\r\n$19\r\nio-threads-do-reads\r\n$3\r\nyes\r\n");
        }
    }
}
