package dev.reactorworkbench.echoprotocol.codec;

import java.io.IOException;

/** A peer announced or sent a frame longer than the configured limit: a protocol error. */
public final class FrameTooLongException extends IOException {

    private final long limit;
    private final long seen;

    public FrameTooLongException(long limit, long seen) {
        super("frame of " + seen + " bytes exceeds the limit of " + limit + " bytes");
        this.limit = limit;
        this.seen = seen;
    }

    /** The configured maximum frame length. */
    public long limit() {
        return limit;
    }

    /** The length announced by the peer, or the bytes seen so far without a delimiter. */
    public long seen() {
        return seen;
    }
}
