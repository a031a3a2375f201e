package dev.reactorworkbench.echoprotocol.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** RESP2 replies, encoded for the wire: simple strings, errors, integers, bulk strings, arrays. */
final class Replies {

    static final byte[] OK = simple("OK");
    static final byte[] PONG = simple("PONG");
    static final byte[] NULL_BULK = ascii("$-1\r\n");
    static final byte[] EMPTY_ARRAY = ascii("*0\r\n");

    private Replies() {
    }

    static byte[] simple(String text) {
        return ascii("+" + text + "\r\n");
    }

    /**
     * {@code -ERR message}. Like Redis, CR and LF inside the message become spaces, so a client's
     * bytes quoted in an error cannot break the reply into two.
     */
    static byte[] error(String message) {
        return ("-ERR " + message.replace('\r', ' ').replace('\n', ' ') + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] integer(long value) {
        return ascii(":" + value + "\r\n");
    }

    static byte[] bulk(byte[] value) {
        if (value == null) {
            return NULL_BULK;
        }
        byte[] header = ascii("$" + value.length + "\r\n");
        byte[] out = new byte[header.length + value.length + 2];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(value, 0, out, header.length, value.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    static byte[] array(byte[]... bulks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ascii("*" + bulks.length + "\r\n"));
        for (byte[] b : bulks) {
            out.writeBytes(bulk(b));
        }
        return out.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
