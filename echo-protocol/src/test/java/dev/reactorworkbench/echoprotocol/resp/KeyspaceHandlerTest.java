package dev.reactorworkbench.echoprotocol.resp;

import dev.reactorworkbench.echoprotocol.codec.RespCodec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeyspaceHandlerTest {

    private final KeyspaceHandler handler = new KeyspaceHandler(new ConcurrentKeyspace(), 0);

    private String run(String... command) {
        return new String(handler.handle(RespCodec.command(command)), StandardCharsets.ISO_8859_1);
    }

    @Test
    @DisplayName("PING, ECHO, SET, GET, DEL, EXISTS, DBSIZE and FLUSHALL answer as Redis 7 does")
    void basics() {
        assertThat(run("PING")).isEqualTo("+PONG\r\n");
        assertThat(run("ping", "hi")).isEqualTo("$2\r\nhi\r\n");
        assertThat(run("ECHO", "a\r\nb")).isEqualTo("$4\r\na\r\nb\r\n");
        assertThat(run("GET", "k")).isEqualTo("$-1\r\n");
        assertThat(run("SET", "k", "")).isEqualTo("+OK\r\n");
        assertThat(run("get", "k")).isEqualTo("$0\r\n\r\n");
        assertThat(run("SET", "k2", "v")).isEqualTo("+OK\r\n");
        assertThat(run("EXISTS", "k", "k", "nope", "k2")).isEqualTo(":3\r\n");
        assertThat(run("DBSIZE")).isEqualTo(":2\r\n");
        assertThat(run("DEL", "k", "nope")).isEqualTo(":1\r\n");
        assertThat(run("FLUSHALL")).isEqualTo("+OK\r\n");
        assertThat(run("DBSIZE")).isEqualTo(":0\r\n");
        assertThat(run("FLUSHALL", "async")).isEqualTo("+OK\r\n");
        assertThat(run("QUIT")).isEqualTo("+OK\r\n");
    }

    @Test
    @DisplayName("INCR counts from 0 and gives Redis's errors for a non-integer, an overflow and a wrong arity")
    void incr() {
        assertThat(run("INCR", "n")).isEqualTo(":1\r\n");
        assertThat(run("INCR", "n")).isEqualTo(":2\r\n");
        assertThat(run("GET", "n")).isEqualTo("$1\r\n2\r\n");
        run("SET", "s", "abc");
        assertThat(run("INCR", "s")).isEqualTo("-ERR value is not an integer or out of range\r\n");
        run("SET", "sp", " 12");
        assertThat(run("INCR", "sp")).isEqualTo("-ERR value is not an integer or out of range\r\n");
        run("SET", "big", "9223372036854775807");
        assertThat(run("INCR", "big")).isEqualTo("-ERR increment or decrement would overflow\r\n");
        assertThat(run("GET", "big")).isEqualTo("$19\r\n9223372036854775807\r\n");
        run("SET", "neg", "-5");
        assertThat(run("INCR", "neg")).isEqualTo(":-4\r\n");
        assertThat(run("INCR")).isEqualTo("-ERR wrong number of arguments for 'incr' command\r\n");
        assertThat(run("incr", "a", "b")).isEqualTo("-ERR wrong number of arguments for 'incr' command\r\n");
    }

    @Test
    @DisplayName("wrong arities and unknown commands are worded as Redis 7 words them")
    void errors() {
        assertThat(run("GET")).isEqualTo("-ERR wrong number of arguments for 'get' command\r\n");
        assertThat(run("SET", "a")).isEqualTo("-ERR wrong number of arguments for 'set' command\r\n");
        assertThat(run("SET", "a", "b", "c")).isEqualTo("-ERR syntax error\r\n");
        assertThat(run("PING", "a", "b")).isEqualTo("-ERR wrong number of arguments for 'ping' command\r\n");
        assertThat(run("ECHO")).isEqualTo("-ERR wrong number of arguments for 'echo' command\r\n");
        assertThat(run("DBSIZE", "x")).isEqualTo("-ERR wrong number of arguments for 'dbsize' command\r\n");
        assertThat(run("DEL")).isEqualTo("-ERR wrong number of arguments for 'del' command\r\n");
        assertThat(run("EXISTS")).isEqualTo("-ERR wrong number of arguments for 'exists' command\r\n");
        assertThat(run("FLUSHALL", "x")).isEqualTo("-ERR syntax error\r\n");
        assertThat(run("FOO", "bar")).isEqualTo("-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n");
        assertThat(run("foo", "a", "b", "c", "d")).isEqualTo("-ERR unknown command 'foo', with args beginning with: 'a' 'b' 'c' 'd' \r\n");
        assertThat(run("FOO")).isEqualTo("-ERR unknown command 'FOO', with args beginning with: \r\n");
        assertThat(run("")).isEqualTo("-ERR unknown command '', with args beginning with: \r\n");
        assertThat(run("x\r\ny", "a\nb")).as("CR and LF become spaces: the error stays one line")
                .isEqualTo("-ERR unknown command 'x  y', with args beginning with: 'a b' \r\n");
        String longArg = "y".repeat(200);
        assertThat(run("NOPE", longArg, "z")).isEqualTo("-ERR unknown command 'NOPE', with args beginning with: '" + "y".repeat(128) + "' \r\n");
    }

    @Test
    @DisplayName("CONFIG GET answers save and appendonly as a Redis without persistence, and nothing else")
    void config() {
        assertThat(run("CONFIG", "GET", "save")).isEqualTo("*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
        assertThat(run("CONFIG", "GET", "appendonly")).isEqualTo("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
        assertThat(run("config", "get", "APPEND*")).isEqualTo("*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
        assertThat(run("CONFIG", "GET", "nosuch")).isEqualTo("*0\r\n");
        assertThat(run("CONFIG", "GET")).isEqualTo("-ERR wrong number of arguments for 'config|get' command\r\n");
        assertThat(run("CONFIG")).isEqualTo("-ERR wrong number of arguments for 'config' command\r\n");
        assertThat(run("CONFIG", "SET", "a", "b")).isEqualTo("-ERR unknown subcommand 'SET'. Try CONFIG HELP.\r\n");
    }

    @Test
    @DisplayName("COMMAND and COMMAND DOCS answer an empty array, which is all redis-cli needs")
    void command() {
        assertThat(run("COMMAND")).isEqualTo("*0\r\n");
        assertThat(run("COMMAND", "DOCS")).isEqualTo("*0\r\n");
        assertThat(run("COMMAND", "COUNT")).isEqualTo(":12\r\n");
        assertThat(run("COMMAND", "FOO")).isEqualTo("-ERR unknown subcommand 'FOO'. Try COMMAND HELP.\r\n");
    }

    @Test
    @DisplayName("the concurrent keyspace loses no INCR when 8 threads increment one key")
    void concurrentIncr() throws Exception {
        byte[] incr = RespCodec.command("INCR", "n");
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().name("incr-" + t).start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    handler.handle(incr);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(run("GET", "n")).isEqualTo("$6\r\n160000\r\n");
    }

    @Test
    @DisplayName("the plain keyspace takes its first caller as owner and counts every call from another thread")
    void plainKeyspaceCountsForeignCalls() throws Exception {
        PlainKeyspace plain = new PlainKeyspace();
        KeyspaceHandler h = new KeyspaceHandler(plain, 0);
        h.handle(RespCodec.command("SET", "a", "1"));
        h.handle(RespCodec.command("INCR", "a"));
        assertThat(plain.owner()).isSameAs(Thread.currentThread());
        assertThat(plain.foreignCalls()).isZero();

        Thread other = Thread.ofPlatform().name("intruder").start(() -> h.handle(RespCodec.command("GET", "a")));
        other.join();

        assertThat(plain.foreignCalls()).isEqualTo(1);
        assertThat(plain.owner()).isSameAs(Thread.currentThread());
    }

    @Test
    @DisplayName("--work burns its microseconds per command")
    void work() {
        KeyspaceHandler slow = new KeyspaceHandler(new ConcurrentKeyspace(), 2_000);
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            slow.handle(RespCodec.command("PING"));
        }
        // At least the work asked for (a lower bound, which a busy machine cannot break).
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(5 * 2_000_000L);
    }
}
