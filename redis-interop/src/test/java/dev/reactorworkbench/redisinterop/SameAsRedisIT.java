package dev.reactorworkbench.redisinterop;

import dev.reactorworkbench.comparisonbench.redis.RealRedis;
import dev.reactorworkbench.echoprotocol.codec.CloseConnectionException;
import dev.reactorworkbench.echoprotocol.codec.FrameDecoder;
import dev.reactorworkbench.echoprotocol.codec.RespCodec;
import dev.reactorworkbench.echoprotocol.resp.ConcurrentKeyspace;
import dev.reactorworkbench.echoprotocol.resp.KeyspaceHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same bytes to a real {@code redis-server} and to the RESP codec with the keyspace handler:
 * the same reply bytes, and the same decision to close. This is how the wording of every error
 * is checked against Redis itself rather than against a copy of its source.
 *
 * <p>The workbench side runs the decoder and the handler directly and applies the
 * {@code CloseConnectionException} contract by hand (replies, then the farewell, then close), so
 * this holds today, independent of the models' catch sites.
 */
@Timeout(120)
class SameAsRedisIT {

    private static RealRedis redis;

    @BeforeAll
    static void startRedis() throws IOException {
        RedisTools.require("redis-server");
        redis = RealRedis.start(1);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    /** What a server sends back to {@code input} (one write), and whether it then closed. */
    record Answer(String bytes, boolean closed) {
    }

    private static Answer realRedis(String input) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", redis.port()), 10_000);
            socket.getOutputStream().write(input.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            // Redis answers within milliseconds; a second of silence means it is waiting for more.
            socket.setSoTimeout(1000);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            try {
                int b;
                while ((b = in.read()) >= 0) {
                    got.write(b);
                }
                return new Answer(got.toString(StandardCharsets.ISO_8859_1), true);
            } catch (SocketTimeoutException e) {
                return new Answer(got.toString(StandardCharsets.ISO_8859_1), false);
            } catch (SocketException reset) {
                return new Answer(got.toString(StandardCharsets.ISO_8859_1), true);
            }
        }
    }

    private static Answer workbench(String input) {
        KeyspaceHandler handler = new KeyspaceHandler(new ConcurrentKeyspace(), 0);
        FrameDecoder decoder = RespCodec.INSTANCE.newDecoder(512 * 1024 * 1024);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            decoder.decodeCopies(ByteBuffer.wrap(input.getBytes(StandardCharsets.ISO_8859_1)), frame -> out.writeBytes(handler.handle(frame)));
            return new Answer(out.toString(StandardCharsets.ISO_8859_1), false);
        } catch (CloseConnectionException e) {
            out.writeBytes(e.farewell());
            return new Answer(out.toString(StandardCharsets.ISO_8859_1), true);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // commands
            "PING\\r\\nping hello\\r\\nECHO 'a b'\\r\\n",
            "SET k v\\r\\nGET k\\r\\nGET nope\\r\\nEXISTS k k nope\\r\\nDEL k nope\\r\\nDBSIZE\\r\\n",
            "INCR n\\r\\nINCR n\\r\\nSET s abc\\r\\nINCR s\\r\\nSET m 9223372036854775807\\r\\nINCR m\\r\\nSET z 007\\r\\nINCR z\\r\\n",
            "CONFIG GET save\\r\\nCONFIG GET appendonly\\r\\nCONFIG GET nosuch-parameter\\r\\nCONFIG GET\\r\\nCONFIG\\r\\n",
            "GET\\r\\nSET a\\r\\nSET a b c\\r\\nPING a b\\r\\nECHO\\r\\nDBSIZE x\\r\\nDEL\\r\\nEXISTS\\r\\nINCR\\r\\nFLUSHALL x\\r\\n",
            "FOO\\r\\nfoo a b c d\\r\\n*2\\r\\n$3\\r\\nFOO\\r\\n$3\\r\\nbar\\r\\n*1\\r\\n$0\\r\\n\\r\\n",
            "COMMAND FOO\\r\\n",
            // what Redis tolerates
            "\\r\\n\\n   \\r\\n*0\\r\\n*-5\\r\\nPING\\r\\n*1\\r\\n$4\\r\\nPINGxx*1\\r\\n$4\\r\\nPING\\r\\nping\\rx\\n",
            // protocol errors: the replies before, the farewell, the close
            "PING\\r\\n*abc\\r\\nPING\\r\\n",
            "PING\\r\\n*1\\r\\n$-1\\r\\nPING\\r\\n",
            "PING\\r\\n*1\\r\\n$abc\\r\\n",
            "PING\\r\\n*1\\r\\n$04\\r\\nPING\\r\\n",
            "PING\\r\\n*1\\r\\nPING\\r\\n",
            "PING\\r\\n*1\\r\\r\\n$4\\r\\nPING\\r\\n",
            "PING\\r\\n*1\\n$4\\r\\nPING\\r\\n",
            "PING\\r\\nSET \\\"a b\\r\\n",
            "PING\\r\\nSET 'a'b\\r\\n",
            // QUIT
            "PING\\r\\nQUIT\\r\\nPING\\r\\n",
            "*1\\r\\n$4\\r\\nquit\\r\\nPING\\r\\n",
            // half a command: both wait for the rest
            "*2\\r\\n$3\\r\\nGET\\r\\n$3\\r\\nke",
    })
    @DisplayName("the same input gets the same bytes back from the workbench as from redis-server, and the same close")
    void sameAnswer(String escaped) throws IOException {
        String input = escaped.replace("\\r", "\r").replace("\\n", "\n").replace("\\\"", "\"");
        // A fresh database each time, as the workbench side starts from an empty keyspace.
        Answer flushedFirst = realRedis("FLUSHALL\r\n" + input);
        assertThat(flushedFirst.bytes()).startsWith("+OK\r\n");
        Answer expected = new Answer(flushedFirst.bytes().substring(5), flushedFirst.closed());
        Answer actual = workbench(input);

        assertThat(actual.bytes()).as("reply bytes").isEqualTo(expected.bytes());
        assertThat(actual.closed()).as("closed").isEqualTo(expected.closed());
    }
}
