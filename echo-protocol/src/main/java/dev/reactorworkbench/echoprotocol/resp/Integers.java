package dev.reactorworkbench.echoprotocol.resp;

import dev.reactorworkbench.echoprotocol.codec.RespCodec;

import java.nio.charset.StandardCharsets;

/** Integer values as Redis stores them: decimal strings that {@code string2ll} accepts. */
final class Integers {

    private Integers() {
    }

    /** The value as a long; an absent value is 0. */
    static long parse(byte[] value) throws Keyspace.NotAnIntegerException {
        if (value == null) {
            return 0;
        }
        Long parsed = parseOrNull(value);
        if (parsed == null) {
            throw new Keyspace.NotAnIntegerException();
        }
        return parsed;
    }

    /** Redis's {@code string2ll}, as the codec reads lengths: see {@link RespCodec#parseLong}. */
    static Long parseOrNull(byte[] s) {
        return RespCodec.parseLong(s, 0, s.length);
    }

    static byte[] format(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
