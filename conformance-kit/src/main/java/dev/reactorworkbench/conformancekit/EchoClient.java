package dev.reactorworkbench.conformancekit;

import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.codec.FrameDecoder;
import dev.reactorworkbench.echoprotocol.codec.CloseConnectionException;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * A small blocking client for tests and demos: send frames, receive replies, in the codec the
 * server speaks. Every read has a timeout (10 s by default), so a test against a broken server
 * fails instead of hanging.
 */
public final class EchoClient implements AutoCloseable {

    private final Socket socket;
    private final Codec codec;
    private final FrameDecoder decoder;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] readBuffer = new byte[64 * 1024];
    private final ArrayDeque<byte[]> received = new ArrayDeque<>();
    private boolean eof;

    private EchoClient(Socket socket, Codec codec, int maxFrameLength) throws IOException {
        this.socket = socket;
        this.codec = codec;
        this.decoder = codec.newDecoder(maxFrameLength);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects with a 10 s read timeout and the default 1 MiB frame limit. */
    public static EchoClient connect(InetSocketAddress server, Codec codec) throws IOException {
        return connect(server, codec, ServerConfig.MIB, Duration.ofSeconds(10));
    }

    public static EchoClient connect(InetSocketAddress server, Codec codec, int maxFrameLength, Duration readTimeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) readTimeout.toMillis());
            socket.connect(server, (int) readTimeout.toMillis());
            return new EchoClient(socket, codec, maxFrameLength);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Encodes and sends one frame. */
    public void send(byte[] payload) throws IOException {
        ByteBuffer frame = codec.encode(payload);
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
    }

    /** Sends bytes exactly as given, with no framing: for split, coalesced or malformed input. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    /** Sends bytes exactly as given, flushing each byte as its own write. */
    public void sendRawByteByByte(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            out.write(b);
            out.flush();
        }
    }

    /**
     * The next reply frame. For the raw codec, whatever bytes arrived next.
     *
     * @throws EOFException           when the server closed the connection first
     * @throws SocketTimeoutException when nothing arrived within the read timeout
     */
    public byte[] receive() throws IOException {
        while (received.isEmpty()) {
            if (!fill()) {
                throw new EOFException("server closed the connection");
            }
        }
        return received.pollFirst();
    }

    /** For the raw codec: exactly {@code n} bytes, however they were split. */
    public byte[] receiveBytes(int n) throws IOException {
        ByteBuffer all = ByteBuffer.allocate(n);
        while (all.hasRemaining()) {
            byte[] chunk = received.isEmpty() ? null : received.pollFirst();
            if (chunk == null) {
                if (!fill()) {
                    throw new EOFException("server closed the connection after " + all.position() + " of " + n + " bytes");
                }
                continue;
            }
            int take = Math.min(chunk.length, all.remaining());
            all.put(chunk, 0, take);
            if (take < chunk.length) {
                received.addFirst(java.util.Arrays.copyOfRange(chunk, take, chunk.length));
            }
        }
        return all.array();
    }

    /** Sends one frame and waits for its reply. */
    public byte[] echo(byte[] payload) throws IOException {
        send(payload);
        return receive();
    }

    /**
     * Reads until the server closes the connection, discarding data.
     *
     * @return true if the server closed (EOF or reset) within the read timeout
     */
    public boolean awaitServerClose() {
        try {
            while (fill()) {
                received.clear();
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server also counts as closed
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(readBuffer);
        if (n < 0) {
            eof = true;
            return false;
        }
        try {
            decoder.decodeCopies(ByteBuffer.wrap(readBuffer, 0, n), received::addLast);
        } catch (CloseConnectionException e) {
            throw new IOException("server sent a frame over the client's limit", e);
        }
        return true;
    }

    /** Half-close: no more requests, but replies can still arrive. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
