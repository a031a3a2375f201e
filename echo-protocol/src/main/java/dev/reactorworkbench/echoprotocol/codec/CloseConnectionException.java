package dev.reactorworkbench.echoprotocol.codec;

import java.io.IOException;

/**
 * Thrown by a {@link FrameDecoder} when the peer's input ends the conversation: a protocol error
 * (an oversized frame, a malformed RESP request) or a command that asks to close (Redis's
 * {@code QUIT}). Every frame decoded before it has already been passed on, in order.
 *
 * <p>What every model does with it (the contract): stop reading the connection; if
 * {@link #protocolError()}, count it in {@code ServerStats}; write every reply still owed for the
 * frames decoded before it, in order; then write {@link #farewell()} if it is not empty; then
 * close. Nothing already acknowledged is lost, and no other connection is affected.
 */
public class CloseConnectionException extends IOException {

    private static final byte[] NONE = new byte[0];

    private final byte[] farewell;
    private final boolean protocolError;

    /**
     * @param farewell      bytes written after the replies still owed, before the close (already
     *                      encoded for the wire; empty for none)
     * @param protocolError whether the peer broke the protocol (counted) or asked to close (not)
     */
    public CloseConnectionException(String message, byte[] farewell, boolean protocolError) {
        super(message);
        this.farewell = farewell == null ? NONE : farewell;
        this.protocolError = protocolError;
    }

    /** Bytes to write last, ready for the wire; empty when the connection closes without one. */
    public byte[] farewell() {
        return farewell;
    }

    /** True for a protocol error (counted), false for a peer that asked to close. */
    public boolean protocolError() {
        return protocolError;
    }
}
