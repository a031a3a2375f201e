package dev.reactorworkbench.echoprotocol.codec;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.reactorworkbench.echoprotocol.codec.Frames.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RespCodecTest {

    private static final int LIMIT = 1024;

    private static List<byte[]> decode(String stream) throws CloseConnectionException {
        return Frames.feed(RespCodec.INSTANCE.newDecoder(LIMIT), ascii(stream));
    }

    private static List<String> commands(List<byte[]> frames) {
        List<String> out = new ArrayList<>();
        for (byte[] frame : frames) {
            List<String> args = new ArrayList<>();
            for (byte[] a : RespCodec.arguments(frame)) {
                args.add(new String(a, StandardCharsets.ISO_8859_1));
            }
            out.add(String.join(" ", args));
        }
        return out;
    }

    /** Decodes {@code stream}, expecting a protocol error; returns what was decoded before it and the error. */
    private static CloseConnectionException protocolError(String stream, List<byte[]> before) {
        FrameDecoder decoder = RespCodec.INSTANCE.newDecoder(LIMIT);
        try {
            decoder.decodeCopies(ByteBuffer.wrap(ascii(stream)), before::add);
        } catch (CloseConnectionException e) {
            return e;
        }
        throw new AssertionError("no protocol error for " + stream.replace("\r\n", "\\r\\n"));
    }

    @Test
    @DisplayName("a multibulk command becomes one frame in the multibulk form, its arguments intact")
    void multibulk() throws Exception {
        List<byte[]> frames = decode("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nv a\r\nl\r\n");

        assertThat(frames).singleElement().isEqualTo(RespCodec.command("SET", "k", "v a\r\nl"));
        assertThat(RespCodec.arguments(frames.getFirst())).isDeepEqualTo(new byte[][]{ascii("SET"), ascii("k"), ascii("v a\r\nl")});
    }

    @Test
    @DisplayName("inline commands are split on white space as Redis splits them, quotes and escapes included")
    void inline() throws Exception {
        assertThat(commands(decode("PING\r\nping hello\nSET k \"a b\\x41\\n\"\r\nSET k 'it\\'s'\r\n  ECHO\t x  \r\n")))
                .containsExactly("PING", "ping hello", "SET k a bA\n", "SET k it's", "ECHO x");
    }

    @Test
    @DisplayName("empty inline lines, *0 and a negative count are skipped without a frame, as Redis skips them")
    void skipped() throws Exception {
        assertThat(commands(decode("\r\n\n   \r\n*0\r\n*-5\r\n*1\r\n$4\r\nPING\r\n"))).containsExactly("PING");
    }

    @Test
    @DisplayName("pipelined commands, inline and multibulk mixed, come out in order")
    void pipelined() throws Exception {
        StringBuilder stream = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i % 3 == 0) {
                stream.append("INCR n").append(i).append("\r\n");
                expected.add("INCR n" + i);
            } else {
                stream.append(new String(RespCodec.command("SET", "k" + i, "v" + i), StandardCharsets.ISO_8859_1));
                expected.add("SET k" + i + " v" + i);
            }
        }
        assertThat(commands(decode(stream.toString()))).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("a stream split at every byte gives the same frames, and holds no buffer between commands")
    void splitAtEveryByte() throws Exception {
        byte[] stream = ascii("*2\r\n$4\r\nECHO\r\n$10\r\n0123456789\r\nPING\r\n*1\r\n$6\r\nDBSIZE\r\nGET 'a b'\n");
        List<String> whole = commands(Frames.feed(RespCodec.INSTANCE.newDecoder(LIMIT), stream));
        assertThat(whole).containsExactly("ECHO 0123456789", "PING", "DBSIZE", "GET a b");

        for (int cut = 1; cut < stream.length; cut++) {
            assertThat(commands(Frames.feed(RespCodec.INSTANCE.newDecoder(LIMIT), stream, cut)))
                    .as("cut at %d", cut).isEqualTo(whole);
        }
        int[] everyByte = new int[stream.length - 1];
        Arrays.setAll(everyByte, i -> i + 1);
        FrameDecoder decoder = RespCodec.INSTANCE.newDecoder(LIMIT);
        assertThat(commands(Frames.feed(decoder, stream, everyByte))).isEqualTo(whole);
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @Test
    @DisplayName("half a command is kept until the rest arrives")
    void halfACommand() throws Exception {
        FrameDecoder decoder = RespCodec.INSTANCE.newDecoder(LIMIT);
        List<byte[]> frames = new ArrayList<>();
        decoder.decodeCopies(ByteBuffer.wrap(ascii("*2\r\n$3\r\nGET\r\n$3\r\nke")), frames::add);

        assertThat(frames).isEmpty();
        assertThat(decoder.bufferedBytes()).isPositive();

        decoder.decodeCopies(ByteBuffer.wrap(ascii("y\r\n")), frames::add);
        assertThat(commands(frames)).containsExactly("GET key");
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // What Redis 7.0.15 answers to the same bytes (checked by hand with redis-server).
            "*abc\\r\\nPING\\r\\n        | invalid multibulk length",
            "*1048577\\r\\n             | invalid multibulk length",
            "*+1\\r\\n$4\\r\\nPING\\r\\n  | invalid multibulk length",
            "*01\\r\\n$4\\r\\nPING\\r\\n  | invalid multibulk length",
            "*1\\n$4\\r\\nPING\\r\\n      | invalid multibulk length",
            "*1\\r\\n$-1\\r\\nPING\\r\\n  | invalid bulk length",
            "*1\\r\\n$abc\\r\\n           | invalid bulk length",
            "*1\\r\\n$04\\r\\nPING\\r\\n  | invalid bulk length",
            "*1\\r\\n$4\\nPING\\r\\n      | invalid bulk length",
            "*1\\r\\n$1025\\r\\n          | invalid bulk length",
            "*1\\r\\nPING\\r\\n           | expected '$', got 'P'",
            "*1\\r\\r\\n$4\\r\\nPING\\r\\n | expected '$', got ' '",
            "SET \"a b\\r\\n               | unbalanced quotes in request",
            "SET 'a'b\\r\\n                | unbalanced quotes in request",
    })
    @DisplayName("malformed input ends the conversation with Redis's protocol error as the farewell")
    void malformed(String stream, String error) {
        List<byte[]> before = new ArrayList<>();
        CloseConnectionException e = protocolError("PING\r\n" + stream.replace("\\r", "\r").replace("\\n", "\n"), before);

        assertThat(commands(before)).as("the command before the error is still passed on").containsExactly("PING");
        assertThat(e.protocolError()).isTrue();
        assertThat(new String(e.farewell(), StandardCharsets.ISO_8859_1))
                .isEqualTo("-ERR Protocol error: " + error + "\r\n");
        assertThat(e).isNotInstanceOf(FrameTooLongException.class);
    }

    @Test
    @DisplayName("a bulk of exactly the frame limit is accepted; one byte more is an invalid bulk length")
    void bulkAtTheLimit() throws Exception {
        byte[] atLimit = new byte[LIMIT];
        Arrays.fill(atLimit, (byte) 'x');
        assertThat(Frames.feed(RespCodec.INSTANCE.newDecoder(LIMIT), RespCodec.command(ascii("ECHO"), atLimit)))
                .singleElement().satisfies(f -> assertThat(RespCodec.arguments(f)[1]).isEqualTo(atLimit));

        assertThatThrownBy(() -> Frames.feed(RespCodec.INSTANCE.newDecoder(LIMIT),
                RespCodec.command(ascii("ECHO"), Arrays.copyOf(atLimit, LIMIT + 1))))
                .isInstanceOfSatisfying(CloseConnectionException.class, e -> {
                    assertThat(e.protocolError()).isTrue();
                    assertThat(e.farewell()).isEqualTo(ascii("-ERR Protocol error: invalid bulk length\r\n"));
                });
    }

    @Test
    @DisplayName("over-long lines without CR or LF get Redis's 'too big' errors once past 64 KiB")
    void tooBig() {
        String endless = "x".repeat(RespCodec.INLINE_MAX + 1);
        assertThat(new String(protocolError(endless, new ArrayList<>()).farewell(), StandardCharsets.ISO_8859_1))
                .isEqualTo("-ERR Protocol error: too big inline request\r\n");
        assertThat(new String(protocolError("*" + endless, new ArrayList<>()).farewell(), StandardCharsets.ISO_8859_1))
                .isEqualTo("-ERR Protocol error: too big mbulk count string\r\n");
        assertThat(new String(protocolError("*1\r\n$" + endless, new ArrayList<>()).farewell(), StandardCharsets.ISO_8859_1))
                .isEqualTo("-ERR Protocol error: too big bulk count string\r\n");
    }

    @Test
    @DisplayName("an unfinished command holding more than twice the frame limit closes the connection without a reply")
    void commandOverTheBound() {
        byte[] bulk = new byte[LIMIT]; // each bulk is allowed, all of them together are not
        byte[][] args = new byte[(2 * LIMIT + RespCodec.INLINE_MAX) / LIMIT + 2][];
        args[0] = ascii("DEL");
        Arrays.fill(args, 1, args.length, bulk);
        byte[] stream = RespCodec.command(args);
        // All but its last byte: the unfinished command the server would have to hold is too big.
        assertThatThrownBy(() -> Frames.feed(RespCodec.INSTANCE.newDecoder(LIMIT), stream, stream.length - 1))
                .isInstanceOfSatisfying(FrameTooLongException.class, e -> {
                    assertThat(e.protocolError()).isTrue();
                    assertThat(e.farewell()).isEmpty();
                });
    }

    @Test
    @DisplayName("QUIT is passed on, then the conversation ends without a farewell and without counting an error")
    void quit() {
        List<byte[]> frames = new ArrayList<>();
        FrameDecoder decoder = RespCodec.INSTANCE.newDecoder(LIMIT);
        assertThatThrownBy(() -> decoder.decodeCopies(ByteBuffer.wrap(ascii("PING\r\n*1\r\n$4\r\nquit\r\nPING\r\n")), frames::add))
                .isInstanceOfSatisfying(CloseConnectionException.class, e -> {
                    assertThat(e.protocolError()).isFalse();
                    assertThat(e.farewell()).isEmpty();
                });
        assertThat(commands(frames)).containsExactly("PING", "quit");

        // Whatever comes after is ignored.
        List<byte[]> after = new ArrayList<>();
        assertThat(commands(after)).isEmpty();
        ByteBuffer more = ByteBuffer.wrap(ascii("PING\r\n"));
        try {
            decoder.decodeCopies(more, after::add);
        } catch (CloseConnectionException e) {
            throw new AssertionError(e);
        }
        assertThat(after).isEmpty();
        assertThat(more.hasRemaining()).isFalse();
    }

    @Test
    @DisplayName("inline QUIT with arguments closes too, and QUITX does not")
    void inlineQuit() throws Exception {
        assertThat(commands(decode("QUITX\r\nPING\r\n"))).containsExactly("QUITX", "PING");
        assertThatThrownBy(() -> decode("quit now\r\nPING\r\n"))
                .isInstanceOfSatisfying(CloseConnectionException.class, e -> assertThat(e.protocolError()).isFalse());
    }

    @Test
    @DisplayName("binary arguments survive: every byte value, CR and LF included")
    void binary() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int b = 0; b < 256; b++) {
            all.write(b);
        }
        byte[] value = all.toByteArray();
        byte[] frame = RespCodec.command(ascii("SET"), ascii("k"), value);
        assertThat(Frames.feed(RespCodec.INSTANCE.newDecoder(LIMIT), frame, 20, 100, 200))
                .singleElement().satisfies(f -> assertThat(RespCodec.arguments(f)[2]).isEqualTo(value));
    }

    @Test
    @DisplayName("integers are read as Redis's string2ll reads them")
    void parseLong() {
        assertThat(RespCodec.parseLong(ascii("0"), 0, 1)).isZero();
        assertThat(RespCodec.parseLong(ascii("-12"), 0, 3)).isEqualTo(-12L);
        assertThat(RespCodec.parseLong(ascii("9223372036854775807"), 0, 19)).isEqualTo(Long.MAX_VALUE);
        assertThat(RespCodec.parseLong(ascii("-9223372036854775808"), 0, 20)).isEqualTo(Long.MIN_VALUE);
        for (String bad : new String[]{"", "-", "-0", "01", "+1", " 1", "1 ", "9223372036854775808", "1a", "123456789012345678901"}) {
            assertThat(RespCodec.parseLong(ascii(bad), 0, bad.length())).as("'%s'", bad).isNull();
        }
    }

    @Test
    @DisplayName("encode passes the reply through untouched")
    void encode() {
        byte[] reply = ascii("+OK\r\n");
        ByteBuffer b = RespCodec.INSTANCE.encode(reply);
        assertThat(b.remaining()).isEqualTo(5);
        assertThat(b.array()).isSameAs(reply);
    }
}
