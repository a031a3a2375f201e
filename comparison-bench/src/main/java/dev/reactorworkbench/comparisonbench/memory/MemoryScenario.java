package dev.reactorworkbench.comparisonbench.memory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The memory scenario: for each server and each connection count N, what N idle connections cost
 * the server. Two processes per measurement, both started with this JVM's {@code java} and class
 * path: a {@link MemoryServer} that runs the server and measures itself, and an
 * {@link IdleClients} that opens the N connections and keeps them silent.
 *
 * <ol>
 *   <li>start the server process; measure it (heap after GC, RSS, platform threads);</li>
 *   <li>start the client process with N connections; wait until the server counts N open;</li>
 *   <li>measure again: the differences divided by N are the cost per connection;</li>
 *   <li>end the client, then the server.</li>
 * </ol>
 * NOTE: heap and RSS are of the whole server JVM, so the per-connection figures include what the
 * JVM itself grows by. The server's heap is fixed and pre-touched ({@code -Xms1g -Xmx1g
 * -XX:+AlwaysPreTouch}), so RSS growth is native memory (thread stacks as far as touched, direct
 * buffers, JVM structures), not heap pages being touched for the first time; the heap's own
 * growth is the heap figure. Kernel socket buffers are in neither. Virtual threads are not in the
 * thread count (the JDK counts platform threads only).
 */
public final class MemoryScenario {

    /** One measurement. Bytes, threads; {@code perConnection} figures are (after - before) / N. */
    public record Row(String server, int connections, long heapBefore, long heapAfter, long rssBefore, long rssAfter,
                      int threadsBefore, int threadsAfter) {

        public double heapPerConnection() {
            return (heapAfter - heapBefore) / (double) connections;
        }

        public double rssPerConnection() {
            return (rssAfter - rssBefore) / (double) connections;
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("server", server);
            m.put("connections", connections);
            m.put("heapBeforeBytes", heapBefore);
            m.put("heapAfterBytes", heapAfter);
            m.put("rssBeforeBytes", rssBefore);
            m.put("rssAfterBytes", rssAfter);
            m.put("heapPerConnectionBytes", Math.round(heapPerConnection()));
            m.put("rssPerConnectionBytes", Math.round(rssPerConnection()));
            m.put("threadsBefore", threadsBefore);
            m.put("threadsAfter", threadsAfter);
            return m;
        }
    }

    private static final long STEP_TIMEOUT_SECONDS = 120;
    /** Heap of each child process. */
    public static final String HEAP = "1g";

    private MemoryScenario() {
    }

    /** Measures every server at every count; a server that fails gets an error line and no row. */
    public static List<Row> run(List<String> servers, List<Integer> counts, Consumer<String> progress) {
        List<Row> rows = new ArrayList<>();
        int total = servers.size() * counts.size();
        int n = 0;
        for (int count : counts) {
            for (String server : servers) {
                n++;
                long started = System.nanoTime();
                try {
                    Row row = measure(server, count);
                    rows.add(row);
                    progress.accept(String.format("[memory %d/%d] %-30s %,6d idle connections: heap %s, RSS %s per connection, "
                                    + "threads %d -> %d  (%.1f s)", n, total, server, count,
                            bytes(row.heapPerConnection()), bytes(row.rssPerConnection()), row.threadsBefore(),
                            row.threadsAfter(), (System.nanoTime() - started) / 1e9));
                } catch (IOException | RuntimeException e) {
                    progress.accept(String.format("[memory %d/%d] %-30s %,6d idle connections: FAILED: %s", n, total,
                            server, count, e.getMessage()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    progress.accept("memory scenario interrupted");
                    return rows;
                }
            }
        }
        return rows;
    }

    static Row measure(String server, int count) throws IOException, InterruptedException {
        Child serverProcess = Child.start(MemoryServer.class, server, Integer.toString(count + 100));
        try {
            String ready = serverProcess.expect("READY");
            int port = Integer.parseInt(ready.split(" ")[1]);
            long[] before = measurement(serverProcess.ask("measure", "MEASURE"));
            Child clients = Child.start(IdleClients.class, "127.0.0.1", Integer.toString(port), Integer.toString(count));
            try {
                clients.expect("CONNECTED");
                String open = serverProcess.ask("await " + count, "OPEN");
                if (Long.parseLong(open.split(" ")[1]) != count) {
                    throw new IOException(server + " counts " + open.split(" ")[1] + " open connections, not " + count);
                }
                long[] after = measurement(serverProcess.ask("measure", "MEASURE"));
                if (after[3] != count) {
                    throw new IOException(server + " had " + after[3] + " connections open while measuring, not " + count);
                }
                return new Row(server, count, before[0], after[0], before[1], after[1], (int) before[2], (int) after[2]);
            } finally {
                clients.end();
            }
        } finally {
            serverProcess.send("close");
            serverProcess.end();
        }
    }

    private static long[] measurement(String line) {
        String[] w = line.split(" ");
        return new long[]{Long.parseLong(w[1]), Long.parseLong(w[2]), Long.parseLong(w[3]), Long.parseLong(w[4])};
    }

    static String bytes(double b) {
        if (Math.abs(b) < 10 * 1024) {
            return String.format("%.0f B", b);
        }
        return String.format("%.1f KiB", b / 1024);
    }

    /** A child JVM with this one's {@code java} and class path; its stdout read line by line. */
    private static final class Child {
        private final Process process;
        private final Writer stdin;
        private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);  // reader thread -> caller

        private Child(Process process) {
            this.process = process;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread.ofPlatform().daemon().name("memory-child-reader").start(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        lines.offer(line);
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
        }

        static Child start(Class<?> main, String... args) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // A fixed, pre-touched heap: its pages are resident from the start, so the growth of
            // RSS is the native memory the connections cost (thread stacks, direct buffers, ...),
            // and the heap's growth is read from the heap itself.
            command.add("-Xms" + HEAP);
            command.add("-Xmx" + HEAP);
            command.add("-XX:+AlwaysPreTouch");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(main.getName());
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
            return new Child(pb.start());
        }

        void send(String command) {
            try {
                stdin.write(command + "\n");
                stdin.flush();
            } catch (IOException ignored) {
                // the process has ended; end() cleans up
            }
        }

        String ask(String command, String answer) throws IOException, InterruptedException {
            send(command);
            return expect(answer);
        }

        /** The next line, which must start with {@code word}. */
        String expect(String word) throws IOException, InterruptedException {
            String line = lines.poll(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                throw new IOException("no '" + word + "' from " + process.info().command().orElse("child") + " within "
                        + STEP_TIMEOUT_SECONDS + " s" + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")"));
            }
            if (!line.startsWith(word)) {
                throw new IOException("expected '" + word + "', got: " + line);
            }
            return line;
        }

        /** Closes its stdin (its cue to finish), waits up to 60 s, then kills it. */
        void end() throws InterruptedException {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
