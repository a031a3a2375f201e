package dev.reactorworkbench.launcher;

import dev.reactorworkbench.echoprotocol.codec.LineCodec;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class LauncherTest {

    private final FakeModel model = new FakeModel();
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @AfterEach
    void closeEveryServer() {
        model.servers.forEach(FakeModel.Server::close);
    }

    private int execute(CountDownLatch stop, String... args) {
        return Launcher.execute(model, args, out, err, stop, false);
    }

    /** Runs with the stop latch already counted down: start, report, close at once. */
    private int executeAndStop(String... args) {
        CountDownLatch stop = new CountDownLatch(1);
        stop.countDown();
        return execute(stop, args);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("--help prints the model's description, the common flags and the model's own flag with its default")
    void help() {
        int code = executeAndStop("--help");

        assertThat(code).isZero();
        assertThat(out()).contains("Usage: fake")
                .contains("A model for launcher tests")
                .contains("--host").contains("--port").contains("--codec").contains("--work").contains("--max-frame")
                .contains("--idle-timeout").contains("--max-connections").contains("--threads").contains("--backlog")
                .contains("--high-water").contains("--low-water").contains("--quiet")
                .contains("--flavour").contains("Which flavour of nothing to serve (default: plain)");
        assertThat(model.started).as("--help starts nothing").isEmpty();
    }

    @Test
    @DisplayName("the usage line names the command the user typed, and --help is fixed at 120 columns")
    void usageNamesTheCommand() {
        int code = Launcher.execute(model, "./workbench serve fake", new String[]{"--help"}, out, err,
                new CountDownLatch(1), false);

        assertThat(code).isZero();
        assertThat(out().lines().findFirst()).hasValue("Usage: ./workbench serve fake [OPTIONS]");
        // The codec's description is longer than 80 columns: at 120 its first line holds four codecs.
        assertThat(out()).contains("--codec=<codec>        length-prefixed (uint32 length + payload), line (for nc/telnet), raw (RFC 862) or resp\n");
        assertThat(out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(Cli.WIDTH));
    }

    @Test
    @DisplayName("help shows ServerConfig's defaults in flag syntax")
    void helpShowsConfigDefaults() {
        assertThat(executeAndStop("--help")).isZero();

        ServerConfig defaults = ServerConfig.builder().build();
        assertThat(out()).contains("(default: " + Units.flagDuration(defaults.idleTimeout()) + ")").contains("(default: 5m)")
                .contains("(default: 1MiB)").contains("(default: 64KiB)").contains("(default: 32KiB)")
                .contains("(default: " + defaults.maxConnections() + ")");
    }

    @Test
    @DisplayName("sizes and durations take units: --max-frame 64k is 65536 bytes, --idle-timeout 500ms half a second")
    void unitsInFlags() {
        assertThat(executeAndStop("--port", "0", "--quiet", "--max-frame", "64k", "--idle-timeout", "500ms",
                "--high-water", "1MiB", "--low-water", "512k")).isZero();

        assertThat(model.started).singleElement().satisfies(c -> {
            assertThat(c.maxFrameLength()).isEqualTo(65_536);
            assertThat(c.idleTimeout()).isEqualTo(Duration.ofMillis(500));
            assertThat(c.writeHighWaterMark()).isEqualTo(1 << 20);
            assertThat(c.writeLowWaterMark()).isEqualTo(512 * 1024);
        });
    }

    @Test
    @DisplayName("--version and -V print the project version from the build and start nothing")
    void version() {
        assertThat(executeAndStop("--version")).isZero();
        assertThat(executeAndStop("-V")).isZero();

        assertThat(out().lines().filter(l -> l.startsWith("Reactor Workbench ")).toList()).hasSize(2)
                .allSatisfy(l -> assertThat(l).isEqualTo("Reactor Workbench " + WorkbenchVersion.projectVersion()));
        assertThat(WorkbenchVersion.projectVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(model.started).isEmpty();
    }

    @Test
    @DisplayName("a mistyped flag names the flag meant (--prot: --port) and how to get help")
    void mistypedFlagSuggestsTheRealOne() {
        int code = Launcher.execute(model, "./workbench serve fake", new String[]{"--prot", "7000"}, out, err,
                new CountDownLatch(1), false);

        assertThat(code).isEqualTo(Launcher.USAGE);
        assertThat(err().lines().toList()).containsExactly(
                "fake: Unknown options: '--prot', '7000'",
                "did you mean --port?",
                "try './workbench serve fake --help'");
        assertThat(model.started).isEmpty();
    }

    @Test
    @DisplayName("the start-up line gives the config as flags a user can type again, not the config's internal form")
    void startupLineInFlagSyntax() {
        assertThat(executeAndStop("--port", "0", "--quiet", "--idle-timeout", "90s", "--flavour", "spicy")).isZero();

        String listening = out().lines().filter(l -> l.contains("listening on")).findFirst().orElseThrow();
        assertThat(listening).contains(" with --codec length-prefixed --work 0 --threads 0 --max-frame 1MiB --idle-timeout 90s --drain-timeout 5s "
                        + "--max-connections 10000 --backlog 1024 --high-water 64KiB --low-water 32KiB --flavour spicy; Ctrl-C to stop")
                .doesNotContain("PT").doesNotContain("idleTimeout=");
    }

    @Test
    @DisplayName("lowering only --high-water below the default low mark puts the low mark at half of it")
    void highWaterAloneMovesTheLowMark() {
        assertThat(executeAndStop("--high-water", "1000")).isZero();
        assertThat(model.started.getFirst().writeHighWaterMark()).isEqualTo(1000);
        assertThat(model.started.getFirst().writeLowWaterMark()).isEqualTo(500);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--port         | abc      | '--port'",
            "--port         | 70000    | --port must be in 0..65535, was 70000",
            "--idle-timeout | 5x       | '--idle-timeout': must look like 0, 500ms, 30s, 5m or 1h, was '5x'",
            "--max-frame    | 2q       | '--max-frame': must be a byte count like 4096, 64k or 1m (k = 1024), was '2q'",
            "--drain-timeout | 5x      | '--drain-timeout': must look like 0, 500ms, 30s, 5m or 1h, was '5x'",
            "--drain-timeout | 11m     | --drain-timeout must be in 0s..10m (0 closes at once), was PT11M",
            "--codec        | http     | unknown codec 'http'",
            "--work         | -1       | --work must be in 0..1000000 microseconds, was -1",
            "--max-frame    | 0        | --max-frame must be in 1..67108864, was 0",
            "--high-water   | 0        | --high-water must be in 1..268435456, was 0",
            "--low-water    | 65536    | --low-water must be in 0..65535, was 65536",
            "--bogus        | 1        | Unknown option",
    })
    @DisplayName("a bad flag or flag value is a clear message and exit code 2, and starts nothing")
    void badFlag(String flag, String value, String message) {
        int code = executeAndStop(flag, value);

        assertThat(code).isEqualTo(Launcher.USAGE);
        assertThat(err()).startsWith("fake: ").contains(message);
        assertThat(err()).doesNotContain("\tat "); // no stack trace
        assertThat(model.started).isEmpty();
    }

    @Test
    @DisplayName("a port already in use is one line suggesting --port, exit code 2")
    void portInUse() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            int code = executeAndStop("--port", Integer.toString(port));

            assertThat(code).isEqualTo(Launcher.USAGE);
            assertThat(err().lines().toList()).containsExactly("port " + port + " is in use; pick another with --port");
            assertThat(model.started).hasSize(1);
            assertThat(model.servers).isEmpty();
        }
    }

    @Test
    @DisplayName("a model rejecting its own option on start is a usage error; any other start failure exits 1")
    void startFailures() {
        model.failWith = new IllegalArgumentException("flavour must be plain or spicy, was 'sour'");
        assertThat(executeAndStop("--port", "0", "--flavour", "sour")).isEqualTo(Launcher.USAGE);
        assertThat(err()).contains("fake: --flavour must be plain or spicy, was 'sour'");

        model.failWith = new IOException("no file descriptors left");
        assertThat(executeAndStop("--port", "0")).isEqualTo(1);
        assertThat(err()).contains("fake: cannot start: java.io.IOException: no file descriptors left");
    }

    @Test
    @DisplayName("a normal run starts the model with the flags given, and once stopped closes it and returns 0")
    void normalRun() {
        int code = executeAndStop("--port", "0", "--quiet", "--codec", "line", "--work", "5", "--idle-timeout", "30s",
                "--max-frame", "4096", "--max-connections", "7", "--threads", "3", "--backlog", "9",
                "--low-water", "100", "--high-water", "200", "--flavour", "spicy");

        assertThat(code).isZero();
        assertThat(model.started).singleElement().satisfies(c -> {
            assertThat(c.host()).isEqualTo("127.0.0.1");
            assertThat(c.port()).isZero();
            assertThat(c.codec()).isSameAs(LineCodec.INSTANCE);
            assertThat(c.handler()).isInstanceOfSatisfying(EchoHandler.class, h -> assertThat(h.workMicros()).isEqualTo(5));
            assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(c.maxFrameLength()).isEqualTo(4096);
            assertThat(c.maxConnections()).isEqualTo(7);
            assertThat(c.threads()).isEqualTo(3);
            assertThat(c.backlog()).isEqualTo(9);
            assertThat(c.writeLowWaterMark()).isEqualTo(100);
            assertThat(c.writeHighWaterMark()).isEqualTo(200);
            assertThat(c.option("flavour")).isEqualTo("spicy");
        });
        FakeModel.Server server = model.servers.get(0);
        assertThat(server.listener.isClosed()).isTrue();
        assertThat(server.closeCalls).hasValue(1);
        assertThat(out()).contains("fake listening on 127.0.0.1:" + server.listener.getLocalPort()).contains("closed: ");
        assertThat(err()).isEmpty();
    }

    @Test
    @DisplayName("a model option left out is absent from the config, so the model applies its own default")
    void modelOptionAbsent() {
        assertThat(executeAndStop("--port", "0", "--quiet")).isZero();

        assertThat(model.started).singleElement().satisfies(c -> assertThat(c.option("flavour")).isNull());
    }

    @Test
    @DisplayName("while serving, the stats are an MBean and a stats-printer thread runs; after the stop, neither remains")
    void servesUntilStopped() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        AtomicInteger code = new AtomicInteger(-1);
        Thread serving = Thread.ofPlatform().name("test-serving").start(() -> code.set(execute(stop, "--port", "0")));
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = awaitStatsMBean(mbeans);
            awaitThread("stats-printer");
            assertThat(name.getKeyProperty("model")).isEqualTo("fake");
            assertThat(name.getKeyProperty("port")).isEqualTo(Integer.toString(model.servers.get(0).listener.getLocalPort()));
            assertThat(mbeans.getAttribute(name, "ConnectionsOpen")).isEqualTo(0L);
            assertThat(model.servers.get(0).listener.isClosed()).isFalse();

            stop.countDown();
            serving.join(TimeUnit.SECONDS.toMillis(30));

            assertThat(serving.isAlive()).isFalse();
            assertThat(code).hasValue(0);
            assertThat(mbeans.isRegistered(name)).isFalse();
            assertThat(threadNamed("stats-printer")).isFalse();
            assertThat(model.servers.get(0).listener.isClosed()).isTrue();
        } finally {
            stop.countDown();
            serving.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static ObjectName awaitStatsMBean(MBeanServer mbeans) throws Exception {
        ObjectName pattern = new ObjectName("dev.reactorworkbench:type=ServerStats,model=fake,*");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            var names = mbeans.queryNames(pattern, null);
            if (!names.isEmpty()) {
                return names.iterator().next();
            }
            Thread.sleep(10); // polling a condition, bounded by the deadline
        }
        throw new AssertionError("the stats MBean was not published within 30 s");
    }

    private static void awaitThread(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!threadNamed(name)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no thread named " + name + " within 30 s");
            }
            Thread.sleep(10); // polling a condition, bounded by the deadline
        }
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    @DisplayName("the stats line shows open connections, rates per second and the error counters")
    void statsLine() {
        ServerStats.Snapshot a = new ServerStats.Snapshot(0, 3, 10, 0, 1_000, 1_000, 2_000_000, 2_000_000, 0, 0, 0);
        ServerStats.Snapshot b = new ServerStats.Snapshot(2_000_000_000L, 4, 11, 2, 5_000, 4_000, 6_000_000, 5_000_000, 1, 3, 0);

        assertThat(Launcher.statsLine(a, b)).isEqualTo(
                "conns 4 | in 2,000 msgs/s, 2.00 MB/s | out 1,500 msgs/s, 1.50 MB/s | rejected 2 | protocol errors 1 | idle closed 3");
    }

    @Test
    @DisplayName("the shutdown hook asks the serving thread to stop and waits for it to finish, within its patience")
    void shutdownHookWaitsForTheServingThread() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Thread servingThread = Thread.ofPlatform().name("test-serving").start(() -> {
            try {
                stop.await();
                finished.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        assertThat(Launcher.stopAndAwait(stop, finished, err, Duration.ofSeconds(30))).isTrue();
        servingThread.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(err()).isEmpty();

        CountDownLatch neverFinished = new CountDownLatch(1);
        assertThat(Launcher.stopAndAwait(new CountDownLatch(1), neverFinished, err, Duration.ofMillis(1))).isFalse();
        assertThat(err()).contains("did not close within");
    }

    @Test
    @DisplayName("on Ctrl-C (SIGTERM here) the model is closed once and the closing summary is printed before the JVM exits")
    void shutdownClosesOnceAndReports() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(java, "-cp", classPath, FakeModel.class.getName(), "--port", "0", "--quiet")
                .redirectErrorStream(true)
                .start();
        StringBuffer output = new StringBuffer();
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader = Thread.ofPlatform().name("test-subprocess-reader").start(() -> {
            try (var lines = process.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.contains("listening on")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                output.append("reader failed: ").append(e).append('\n');
            }
        });
        try {
            assertThat(listening.await(30, TimeUnit.SECONDS)).as("started; output so far:%n%s", output).isTrue();

            // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C. (Process.destroy() would also
            // close our end of the pipes and lose the output.)
            assertThat(process.toHandle().destroy()).isTrue();

            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(output.toString())
                    .as("exit code %d", process.exitValue())
                    .contains("closed: 0 connections accepted")
                    .containsOnlyOnce("fake server close #");
        } finally {
            process.destroyForcibly();
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
