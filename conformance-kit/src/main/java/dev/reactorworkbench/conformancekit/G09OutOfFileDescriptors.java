package dev.reactorworkbench.conformancekit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactorworkbench.echoprotocol.codec.LengthPrefixedCodec;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;

/**
 * Guarantee 9: out of file descriptors, the server does not spin, keeps serving the connections
 * it has, and accepts again by itself once descriptors are free.
 *
 * <p>The server runs as an operator would run it, in a child JVM (its {@code main}, this test's
 * class path, {@code --port 0}) under {@code prlimit --nofile=N:N}; the test holds more
 * connections than N, and proves by counts and CPU time, never by speed:
 * <ol>
 *   <li>the server's CPU time over 3 s of exhaustion (utime + stime of {@code /proc/PID/stat}, in
 *       clock ticks of {@code getconf CLK_TCK}) stays under 0.5 s: a level-triggered selector that
 *       keeps the listener registered while {@code accept} fails spins a whole core instead. And,
 *       since a loaded machine may give a spinning thread less than 0.5 s of a core in 3 s, no
 *       server thread is runnable (on a CPU or waiting for one, {@code /proc/PID/task/TID/schedstat})
 *       for half the window;</li>
 *   <li>connections established before the exhaustion are still echoed;</li>
 *   <li>after the clients leave, a new connection is accepted and echoed, without a restart.</li>
 * </ol>
 * Linux only: skipped, with the reason, where {@code prlimit} or {@code /proc} is missing. A
 * model's integration test ({@code *IT}, run by Failsafe) is a few lines:
 * <pre>{@code
 * class ProactorAioOutOfFileDescriptorsIT extends G09OutOfFileDescriptors {
 *     @Override protected Class<?> mainClass() { return ProactorAioMain.class; }
 * }
 * }</pre>
 */
public abstract class G09OutOfFileDescriptors {

    /** Descriptors the child may hold: the JVM's own (about 30-60) plus about 150 connections. */
    protected static final int DESCRIPTOR_LIMIT = 200;
    /** Connections opened (and echoed once) before the exhaustion, checked again during it. */
    private static final int ESTABLISHED = 8;
    /** Connections opened beyond the limit: they wait in the listener's backlog (1,024). */
    private static final int BEYOND = 50;
    private static final Duration CPU_WINDOW = Duration.ofSeconds(3);
    private static final double CPU_BOUND_SECONDS = 0.5;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern LISTENING = Pattern.compile("listening on [^\\s:]+:(\\d+)");

    /** The class whose {@code main} starts the server with the launcher's flags. */
    protected abstract Class<?> mainClass();

    /** Arguments right after the main class, before the common flags (e.g. a server's name). */
    protected List<String> arguments() {
        return List.of();
    }

    @Test
    @DisplayName("9. out of file descriptors, the server does not spin, keeps serving its connections, and accepts again once descriptors are free")
    @Timeout(240)
    void survivesRunningOutOfFileDescriptors(TestReporter reporter) throws Exception {
        Path prlimit = onPath("prlimit").orElse(null);
        Assumptions.assumeTrue(prlimit != null && Files.isReadable(Path.of("/proc/self/stat")),
                "needs Linux with prlimit (util-linux) and /proc: prlimit " + (prlimit == null ? "not found on PATH" : "found")
                        + ", /proc/self/stat " + (Files.isReadable(Path.of("/proc/self/stat")) ? "readable" : "missing"));
        long ticksPerSecond = clockTicksPerSecond();

        // The child's output goes to the module's target/ folder, kept for a look after a failure.
        Path log = Files.createDirectories(Path.of("target")).resolve("g09-" + getClass().getSimpleName() + ".log").toAbsolutePath();
        Process child = null;
        List<EchoClient> established = new ArrayList<>();
        List<Socket> held = new ArrayList<>();
        try {
            // 1. Start the server under the descriptor limit and read the port it bound.
            List<String> command = new ArrayList<>(List.of(prlimit.toString(), "--nofile=" + DESCRIPTOR_LIMIT + ":" + DESCRIPTOR_LIMIT,
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), mainClass().getName()));
            command.addAll(arguments());
            command.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--quiet", "--idle-timeout", "0"));
            child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Process server = child;
            long pid = child.pid();
            int port = awaitPort(server, log);
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            String at = " (server log " + log + ")";
            report(reporter, "started", "pid " + pid + ", port " + port + ", " + openDescriptors(pid)
                    + " descriptors open of " + DESCRIPTOR_LIMIT);

            // 2. Connections established before the exhaustion, each echoed once.
            for (int i = 0; i < ESTABLISHED; i++) {
                EchoClient client = EchoClient.connect(address, LengthPrefixedCodec.INSTANCE, ServerConfig.MIB, READ_TIMEOUT);
                established.add(client);
                echo(client, i, "established connection " + i + at);
            }

            // 3. Exhaust: more connections than the server has descriptors. The kernel completes
            //    every handshake from the backlog; the server's accept fails once it holds N.
            for (int i = 0; i < DESCRIPTOR_LIMIT + BEYOND; i++) {
                Socket s = new Socket();
                held.add(s);
                s.connect(address, (int) READ_TIMEOUT.toMillis());
            }
            Await.awaitCondition("the server to hold all " + DESCRIPTOR_LIMIT + " descriptors (its accept then fails)" + at,
                    WAIT, () -> openDescriptors(pid) >= DESCRIPTOR_LIMIT);

            // 4. (a) No spinning: CPU time over a 3 s window of exhaustion (a measurement window,
            //    not a wait for a condition).
            Map<String, Long> runnableBefore = runnableNanosPerThread(pid);
            long before = cpuTicks(pid);
            LockSupport.parkNanos(CPU_WINDOW.toNanos());
            long after = cpuTicks(pid);
            Map<String, Long> runnableAfter = runnableNanosPerThread(pid);
            double cpuSeconds = (double) (after - before) / ticksPerSecond;
            long descriptorsAfter = openDescriptors(pid);
            String cpu = String.format("server CPU over %d s out of descriptors: %.2f s (%d ticks at %d/s)",
                    CPU_WINDOW.toSeconds(), cpuSeconds, after - before, ticksPerSecond);
            report(reporter, "cpu", cpu);
            assertThat(server.isAlive()).as("the server process is alive" + at).isTrue();
            assertThat(descriptorsAfter).as("descriptors open at the end of the window (still exhausted)" + at)
                    .isGreaterThanOrEqualTo(DESCRIPTOR_LIMIT);
            assertThat(cpuSeconds).as(cpu + "; the bound is " + CPU_BOUND_SECONDS + " s" + at).isLessThan(CPU_BOUND_SECONDS);
            // The same claim, independent of how busy the machine is: a thread that spins is
            // runnable (on a CPU, or waiting in the run queue for one) for the whole window, even
            // where a loaded machine gives it only a slice of a core, and so little CPU time.
            String busiest = busiestThread(runnableBefore, runnableAfter);
            report(reporter, "runnable", busiest);
            assertThat(runnableSeconds(runnableBefore, runnableAfter)).as("the longest any server thread was runnable over the "
                    + CPU_WINDOW.toSeconds() + " s window (" + busiest + "); a spinning thread is runnable all of it" + at)
                    .isLessThan(CPU_WINDOW.toSeconds() / 2.0);

            // 5. (b) The connections established before the exhaustion are still served.
            for (int i = 0; i < ESTABLISHED; i++) {
                echo(established.get(i), 100 + i, "established connection " + i + " while out of descriptors" + at);
            }

            // 6. (c) The clients leave; a new connection is accepted and echoed, by itself.
            for (Socket s : held) {
                closeQuietly(s);
            }
            held.clear();
            Await.awaitCondition("a new connection to be accepted and echoed after the clients left" + at, WAIT,
                    () -> echoesOnNewConnection(address));
            report(reporter, "recovered", "a new connection was echoed; " + openDescriptors(pid) + " descriptors open");
        } finally {
            for (Socket s : held) {
                closeQuietly(s);
            }
            established.forEach(EchoClient::close);
            if (child != null) {
                stop(child);
            }
        }
    }

    /** To the JUnit report and to the test's output, for the record. */
    private void report(TestReporter reporter, String key, String value) {
        reporter.publishEntry(key, value);
        System.out.println(getClass().getSimpleName() + ", guarantee 9, " + key + ": " + value);
    }

    private static void echo(EchoClient client, int seed, String what) throws IOException {
        byte[] payload = Payloads.random(seed, 64);
        Payloads.assertSameBytes(what, payload, client.echo(payload));
    }

    private static boolean echoesOnNewConnection(InetSocketAddress address) {
        try (EchoClient client = EchoClient.connect(address, LengthPrefixedCodec.INSTANCE, ServerConfig.MIB, READ_TIMEOUT)) {
            byte[] payload = Payloads.random(999, 64);
            return Arrays.equals(payload, client.echo(payload));
        } catch (IOException e) {
            return false; // not accepted yet (still backing off), or closed: try again
        }
    }

    private static int awaitPort(Process child, Path log) {
        int[] port = {-1};
        Await.awaitCondition("the child server to print 'listening on HOST:PORT' (log " + log + ")", WAIT, () -> {
            if (!child.isAlive()) {
                throw new AssertionError("the server exited with " + child.exitValue() + " before listening: " + read(log));
            }
            Matcher m = LISTENING.matcher(read(log));
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
        return port[0];
    }

    /** utime + stime of the whole process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    static long cpuTicks(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 overall
    }

    /**
     * Nanoseconds each thread has been runnable, by {@code TID name}: time on a CPU plus time
     * waiting in the run queue for one (fields 1 and 2 of {@code /proc/PID/task/TID/schedstat}).
     * The JIT compiler threads are left out: they are the JVM's, not the server's, and on a busy
     * machine a compilation waits long in the run queue.
     */
    static Map<String, Long> runnableNanosPerThread(long pid) {
        Map<String, Long> runnable = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String name = read(task.resolve("comm")).trim();
                String[] fields = read(task.resolve("schedstat")).trim().split("\\s+");
                if (fields.length < 2 || name.matches("C\\d CompilerThre.*")) {
                    continue; // gone meanwhile, or a compiler thread
                }
                runnable.put(task.getFileName() + " " + name, Long.parseLong(fields[0]) + Long.parseLong(fields[1]));
            }
        } catch (IOException | NumberFormatException e) {
            // the process is gone: nothing runnable
        }
        return runnable;
    }

    private static double runnableSeconds(Map<String, Long> before, Map<String, Long> after) {
        return after.entrySet().stream().mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L))
                .max().orElse(0) / 1e9;
    }

    private static String busiestThread(Map<String, Long> before, Map<String, Long> after) {
        return after.entrySet().stream()
                .max(Comparator.comparingLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .map(e -> String.format("thread %s runnable %.2f s", e.getKey(),
                        (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e9))
                .orElse("no thread");
    }

    static long openDescriptors(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1; // the process is gone
        }
    }

    private static long clockTicksPerSecond() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (!getconf.waitFor(10, TimeUnit.SECONDS) || getconf.exitValue() != 0 || !out.matches("\\d+")) {
            throw new AssertionError("getconf CLK_TCK failed: " + out);
        }
        return Long.parseLong(out);
    }

    private static Optional<Path> onPath(String program) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("") + File.pathSeparator + "/usr/bin:/bin";
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM (the launcher closes gracefully), then SIGKILL if it has not ended in 15 s. */
    private static void stop(Process child) throws InterruptedException {
        child.destroy();
        if (!child.waitFor(15, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            child.waitFor(15, TimeUnit.SECONDS);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing a test client: nothing to do about a failure
        }
    }
}
