package dev.reactorworkbench.comparisonbench.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server}, started for a comparison and stopped after: on 127.0.0.1 and an
 * ephemeral port, with no persistence ({@code --save '' --appendonly no}, its working directory a
 * fresh temporary one, deleted on close), and optionally Redis 6's I/O threads
 * ({@code --io-threads N --io-threads-do-reads yes}). These are the reference rows {@code redis}
 * ({@code --io-threads 1}: every read, parse, command and write on the main thread) and
 * {@code redis-io-threads} beside the models that copy its threading.
 *
 * <p>Closing it stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it.
 */
public final class RealRedis implements AutoCloseable {

    /** How long the server gets to start answering PING. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final int port;
    private final int ioThreads;
    private final Path dir;
    private final Path log;

    private RealRedis(Process process, int port, int ioThreads, Path dir, Path log) {
        this.process = process;
        this.port = port;
        this.ioThreads = ioThreads;
        this.dir = dir;
        this.log = log;
    }

    /** The row name: {@code redis} with one I/O thread, {@code redis-io-threads} with more. */
    public static String rowName(int ioThreads) {
        return ioThreads <= 1 ? "redis" : "redis-io-threads";
    }

    /**
     * Starts {@code redis-server} and returns once it answers PING.
     *
     * @param ioThreads 1 for none (Redis's default), more for Redis 6's threaded I/O with threaded reads
     * @throws IOException when {@code redis-server} is not on the PATH or does not come up (the
     *                     message says why, with the end of its log)
     */
    public static RealRedis start(int ioThreads) throws IOException {
        if (ioThreads < 1 || ioThreads > 128) {
            throw new IllegalArgumentException("ioThreads must be in 1..128, was " + ioThreads);
        }
        Path binary = RedisBinaries.find("redis-server").orElseThrow(() -> new IOException(RedisBinaries.missing("redis-server")));
        IOException last = null;
        // A free port can be taken between finding it and redis-server binding it: try again.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Path dir = Files.createTempDirectory("workbench-redis");
            Path log = dir.resolve("redis.log");
            List<String> command = new ArrayList<>(List.of(binary.toString(),
                    "--bind", "127.0.0.1", "--port", Integer.toString(port),
                    "--save", "", "--appendonly", "no",
                    "--dir", dir.toString(), "--logfile", log.toString(), "--daemonize", "no",
                    "--io-threads", Integer.toString(ioThreads)));
            if (ioThreads > 1) {
                command.addAll(List.of("--io-threads-do-reads", "yes"));
            }
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            RealRedis redis = new RealRedis(process, port, ioThreads, dir, log);
            try {
                redis.awaitPing();
                return redis;
            } catch (IOException e) {
                last = e;
                redis.close();
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public int ioThreads() {
        return ioThreads;
    }

    public String name() {
        return rowName(ioThreads);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitPing() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with code " + process.exitValue() + " before answering: " + logTail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] reply = in.readNBytes(7);
                if (new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for redis-server");
            }
        }
        throw new IOException("redis-server did not answer PING within " + START_TIMEOUT.toSeconds() + " s: " + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 10 s), waits for it, deletes its directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    @Override
    public String toString() {
        return name() + " (redis-server pid " + pid() + ", port " + port + ", io-threads " + ioThreads + ")";
    }
}
