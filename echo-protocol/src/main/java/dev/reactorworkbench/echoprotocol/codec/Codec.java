package dev.reactorworkbench.echoprotocol.codec;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;

/**
 * Turns inbound bytes into frames and replies into bytes. A codec is stateless and shared by
 * every connection; the per-connection state lives in the {@link FrameDecoder} it creates.
 */
public interface Codec {

    /** No bytes: the trailer of a codec without one. */
    byte[] NO_BYTES = new byte[0];

    /** The name used on the command line: {@code length-prefixed}, {@code line}, {@code raw} or {@code resp}. */
    String name();

    /** A fresh decoder for one connection, rejecting frames longer than {@code maxFrameLength}. */
    FrameDecoder newDecoder(int maxFrameLength);

    /** The bytes to write for one reply, positioned at 0 and ready to be written. */
    ByteBuffer encode(byte[] reply);

    // Replies framed in place: a server reserves the header, lets the handler write the payload
    // straight into the outbound buffer, then fills the header in and appends the trailer, so the
    // payload is never copied into a reply of its own first.

    /** Bytes in front of every reply: the length prefix's 4; by default none. */
    default int headerLength() {
        return 0;
    }

    /**
     * Writes the header of a reply of {@code payloadLength} bytes at {@code index} of {@code buffer}
     * (absolute); by default there is none to write.
     */
    default void putHeader(ByteBuffer buffer, int index, int payloadLength) {
        // no header
    }

    /** Bytes after every reply: the line codec's {@code \n}; by default none. */
    default byte[] trailer() {
        return NO_BYTES;
    }

    /** The codecs every model speaks, in the order {@code --help} lists them. */
    static List<Codec> all() {
        return List.of(LengthPrefixedCodec.INSTANCE, LineCodec.INSTANCE, RawCodec.INSTANCE, RespCodec.INSTANCE);
    }

    /** Looks a codec up by name; the exception lists the names that exist. */
    static Codec named(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (Codec codec : all()) {
            if (codec.name().equals(wanted)) {
                return codec;
            }
        }
        throw new IllegalArgumentException("unknown codec '" + name + "'; choose one of "
                + all().stream().map(Codec::name).toList());
    }
}
