package dev.reactorworkbench.redisinterop;

import dev.reactorworkbench.echoprotocol.codec.RespCodec;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A blocking RESP client for tests: sends commands (or raw bytes) and reads replies, each reply
 * returned as its raw bytes (e.g. {@code "+OK\r\n"}) so a test compares exactly what the server sent.
 */
final class RespClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespClient(int port, Duration readTimeout) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends one command and returns its reply. */
    String call(String... command) throws IOException {
        send(command);
        return reply();
    }

    void send(String... command) throws IOException {
        out.write(RespCodec.command(command));
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** One whole reply, as the bytes it came in. */
    String reply() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        readReply(bytes);
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** True once the server has closed the connection (reads EOF); false if a byte arrives instead. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true; // reset: closed too
        }
    }

    private void readReply(ByteArrayOutputStream bytes) throws IOException {
        String line = readLine(bytes);
        switch (line.charAt(0)) {
            case '+', '-', ':' -> { }
            case '$' -> {
                int length = Integer.parseInt(line.substring(1));
                if (length >= 0) {
                    bytes.write(in.readNBytes(length + 2));
                }
            }
            case '*' -> {
                int count = Integer.parseInt(line.substring(1));
                for (int i = 0; i < count; i++) {
                    readReply(bytes);
                }
            }
            default -> throw new IOException("not a RESP reply: " + line);
        }
    }

    private String readLine(ByteArrayOutputStream bytes) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection" + (line.isEmpty() ? "" : " after '" + line + "'"));
            }
            bytes.write(b);
            if (b == '\n' && !line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
