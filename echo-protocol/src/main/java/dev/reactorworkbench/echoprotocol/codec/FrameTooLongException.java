package dev.reactorworkbench.echoprotocol.codec;

/**
 * A peer announced or sent a frame longer than the configured limit: a protocol error. The
 * connection closes without a reply to the bad frame (no farewell).
 */
public final class FrameTooLongException extends CloseConnectionException {

    private final long limit;
    private final long seen;

    public FrameTooLongException(long limit, long seen) {
        super("frame of " + seen + " bytes exceeds the limit of " + limit + " bytes", null, true);
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
