package dev.reactorworkbench.comparisonbench.jmh;

import dev.reactorworkbench.comparisonbench.process.Pinning;
import dev.reactorworkbench.comparisonbench.redis.RealRedis;
import dev.reactorworkbench.comparisonbench.report.ReportJson;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One sweep of {@link EchoBenchmark}: every server named at every {@link Shape}, with
 * {@code --threads} = the number of cores, plus the twin rows (netty-nio at {@code --threads 1},
 * the twin of the single-thread reactor) at the same shapes; run by JMH's {@link Runner} in this
 * process, one JMH run per shape and thread count (JMH crosses every parameter, the grid is a
 * list), each trial in a JMH fork of its own with the server in a process of its own.
 *
 * @param servers           server names, models and reference servers
 * @param shapes            the loads
 * @param twins             also run {@link Servers#BASELINE} at one thread, at every shape
 * @param forks             JMH forks per point (each a new fork and a new server process)
 * @param warmupIterations  per fork, each {@code warmupSeconds} long
 * @param iterations        measured iterations per fork, each {@code iterationSeconds} long
 * @param mode              {@code full}, {@code quick} or {@code custom}
 * @param pinning           CPU pinning of server and client
 * @param jmhArgs           extra JMH command line arguments ({@code -prof gc}), after ours
 * @param protocol          {@code echo}, or {@code resp} (Redis commands; the models with {@code --codec resp})
 */
public record Sweep(List<String> servers, List<Shape> shapes, boolean twins, int forks, int warmupIterations,
                    double warmupSeconds, int iterations, double iterationSeconds, String mode, Pinning pinning,
                    List<String> jmhArgs, String protocol) {

    /**
     * Seconds a trial takes beyond its iterations: the JMH fork's and the server's JVM start, the
     * connections, the graceful close (Netty's takes about a second). Measured on the 2-core machine:
     * the committed run of 2026-12-01 spent 2.0 s per trial beyond its 6 s of iterations.
     */
    static final double TRIAL_OVERHEAD_SECONDS = 2.5;

    public Sweep {
        servers = List.copyOf(servers);
        shapes = List.copyOf(shapes);
        jmhArgs = List.copyOf(jmhArgs);
        if (forks < 1 || warmupIterations < 0 || iterations < 1 || warmupSeconds <= 0 || iterationSeconds <= 0) {
            throw new IllegalArgumentException("forks >= 1, warm-up iterations >= 0, measured iterations >= 1 and positive "
                    + "iteration times are needed");
        }
    }

    /**
     * The full run: {@link Shape#FULL}, 3 forks of 2 x 1 s warm-up and 6 x 1.5 s measured, with the
     * twin rows. 3 forks give an interval across fresh JVMs (18 iterations per point). Why these
     * lengths: in the run of 2026-12-01 (3 forks of 4 x 1 s) the median interval was 15.4 % of
     * the score, and the iterations of one fork varied more (median standard deviation 8.0 %) than
     * the forks' means did (5.4 %); longer and more iterations shrink the first and narrow
     * Student's t, for a predicted median of about 8 %, while the whole run (13 servers, open loop
     * and memory included) stays under 60 minutes on 2 cores (about 53 predicted).
     */
    public static Sweep full(List<String> servers) {
        return new Sweep(servers, Shape.FULL, true, 3, 2, 1, 6, 1.5, "full", Pinning.NONE, List.of(), "echo");
    }

    /** {@code compare --quick}: one shape (64 x 64 B x 0), one fork of 1 x 1 s warm-up and 2 x 1 s measured. */
    public static Sweep quick(List<String> servers) {
        return new Sweep(servers, Shape.QUICK, true, 1, 1, 1, 2, 1, "quick", Pinning.NONE, List.of(), "echo");
    }

    public Sweep withShapes(List<Shape> shapes) {
        return new Sweep(servers, shapes, twins, forks, warmupIterations, warmupSeconds, iterations, iterationSeconds,
                "custom", pinning, jmhArgs, protocol);
    }

    public Sweep withForks(int forks) {
        return new Sweep(servers, shapes, twins, forks, warmupIterations, warmupSeconds, iterations, iterationSeconds,
                mode.equals("full") ? "custom" : mode, pinning, jmhArgs, protocol);
    }

    public Sweep withWarmup(int n, double seconds) {
        return new Sweep(servers, shapes, twins, forks, n, seconds, iterations, iterationSeconds,
                mode.equals("full") ? "custom" : mode, pinning, jmhArgs, protocol);
    }

    public Sweep withMeasurement(int n, double seconds) {
        return new Sweep(servers, shapes, twins, forks, warmupIterations, warmupSeconds, n, seconds,
                mode.equals("full") ? "custom" : mode, pinning, jmhArgs, protocol);
    }

    public Sweep withPinning(Pinning pinning) {
        return new Sweep(servers, shapes, twins, forks, warmupIterations, warmupSeconds, iterations, iterationSeconds,
                mode, pinning, jmhArgs, protocol);
    }

    public Sweep withJmhArgs(List<String> jmhArgs) {
        return new Sweep(servers, shapes, twins, forks, warmupIterations, warmupSeconds, iterations, iterationSeconds,
                mode, pinning, jmhArgs, protocol);
    }

    /** The same sweep in {@code protocol} ({@code echo} or {@code resp}). */
    public Sweep withProtocol(String protocol) {
        return new Sweep(servers, shapes, twins, forks, warmupIterations, warmupSeconds, iterations, iterationSeconds,
                mode, pinning, jmhArgs, protocol);
    }

    /** One JMH run: these servers at this shape with this {@code --threads}. */
    record Point(List<String> servers, Shape shape, int threads) {
    }

    List<Point> points() {
        List<Point> points = new ArrayList<>();
        int cores = EchoBenchmark.serverThreads();
        for (Shape shape : shapes) {
            // Real Redis has no handler to give work to: its rows run at the work-0 shapes only.
            List<String> here = shape.work() == 0 ? servers : servers.stream().filter(s -> !RealRedis.isRow(s)).toList();
            if (!here.isEmpty()) {
                points.add(new Point(here, shape, cores));
            }
            if (twins && cores != 1 && servers.contains(Servers.BASELINE)) {
                points.add(new Point(List.of(Servers.BASELINE), shape, 1));
            }
        }
        return points;
    }

    /** Trials, each fork counted (JMH's progress counts benchmarks, {@link #benchmarks()}). */
    public int trials() {
        return benchmarks() * forks;
    }

    /** Benchmarks (server x shape x threads), each run {@code forks} times. */
    public int benchmarks() {
        return points().stream().mapToInt(p -> p.servers().size()).sum();
    }

    /** About how long the sweep takes, from the iterations and {@link #TRIAL_OVERHEAD_SECONDS}. */
    public double estimatedSeconds() {
        return trials() * (TRIAL_OVERHEAD_SECONDS + warmupIterations * warmupSeconds + iterations * iterationSeconds);
    }

    /** How the run was made, for the results file and the report. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", EchoBenchmark.class.getName() + ".echo (JMH throughput, " + EchoBenchmark.BATCH
                + " replies per operation)");
        m.put("mode", mode);
        m.put("servers", String.join(", ", servers));
        m.put("shapes", shapes.stream().map(Shape::toString).toList().toString()
                + " (connections x payload x work, x depth when pipelined)");
        m.put("load", "closed loop: each connection keeps depth requests in flight (1 unless the shape says "
                + "otherwise: send one, wait for its reply, send the next), every reply checked byte for byte");
        m.put("forks", forks);
        m.put("warmup", warmupIterations + " x " + trim(warmupSeconds) + " s");
        m.put("measurement", iterations + " x " + trim(iterationSeconds) + " s");
        m.put("iterations", String.format(Locale.ROOT, "%d fork(s) per point%s; warm-up %d x %s s; measured %d x %s s",
                forks, forks == 1 ? " (one fork: the interval is JMH's over the iterations of one fork only)" : "",
                warmupIterations, trim(warmupSeconds), iterations, trim(iterationSeconds)));
        m.put("serverThreads", "--threads " + EchoBenchmark.serverThreads() + " for every server (Netty's event loops "
                + "and every model's pool; models without a pool ignore it)"
                + (twins && EchoBenchmark.serverThreads() != 1 ? "; twin rows: " + Servers.BASELINE + " at --threads 1" : ""));
        m.put("threadSplit", threadSplit(pinning));
        m.put("cost", "server.cpu.us/msg, server.reads/msg, server.writes/msg, server.cs/msg: the server process's "
                + "utime+stime (/proc/PID/stat), syscr and syscw (/proc/PID/io: read/readv/write/writev-family calls; socket "
                + "recv*/send* calls and io_uring operations are not counted there, so netty-epoll's reads and netty-io_uring's "
                + "reads and writes show 0) and voluntary+involuntary context "
                + "switches summed over its threads (/proc/PID/task/*/status), sampled at the start and end of each "
                + "measured iteration and divided by that iteration's checked replies; client.cpu.us/msg: the JMH "
                + "fork's (the load generator's) own CPU time the same way");
        if (!jmhArgs.isEmpty()) {
            m.put("jmhArgs", String.join(" ", jmhArgs));
        }
        return m;
    }

    /** Who runs where: said in the results and the report. */
    public static String threadSplit(Pinning pinning) {
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format(Locale.ROOT, "the server runs in a process of its own (./workbench serve, --threads %d); "
                        + "the load generator (%d client thread%s, 1 for a single connection) in the JMH fork; pinning: %s%s; "
                        + "the JMH thread only waits.", EchoBenchmark.serverThreads(), EchoBenchmark.clientThreads(1024),
                EchoBenchmark.clientThreads(1024) == 1 ? "" : "s", pinning.describe(cores),
                cores <= 2 && pinning.equals(Pinning.NONE)
                        ? ": client and server share the CPU, so each score is lower than the server alone could reach; "
                        + "the cost per message is the server's own" : "");
    }

    /**
     * Runs the sweep, writing JMH's JSON (one array, every point) to {@code jsonFile} and its full
     * output to {@code logFile}, with one progress line per benchmark on {@code terminal}.
     *
     * @return the benchmarks that failed (no score was kept for them)
     */
    public List<String> run(Path jsonFile, Path logFile, PrintStream terminal) throws IOException, RunnerException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        List<Object> all = new ArrayList<>();
        try (PrintStream logStream = new PrintStream(Files.newOutputStream(logFile), true, StandardCharsets.UTF_8)) {
            OutputFormat log = OutputFormatFactory.createFormatInstance(logStream, VerboseMode.NORMAL);
            ProgressFormat progress = new ProgressFormat(terminal, log, benchmarks());
            Path part = jsonFile.resolveSibling(jsonFile.getFileName() + ".part");
            for (Point point : points()) {
                Files.deleteIfExists(part);
                new Runner(options(point, part), progress).run();
                if (Files.exists(part)) {
                    Object results = ReportJson.plain(Files.readString(part));
                    if (results instanceof List<?> list) {
                        all.addAll(list);
                    }
                }
            }
            Files.deleteIfExists(part);
            if (!all.isEmpty()) {
                ReportJson.write(jsonFile, all);
            }
            return progress.failed();
        }
    }

    org.openjdk.jmh.runner.options.Options options(Point point, Path json) {
        ChainedOptionsBuilder options = new OptionsBuilder();
        if (!jmhArgs.isEmpty()) {
            try {
                options = options.parent(new CommandLineOptions(jmhArgs.toArray(String[]::new)));
            } catch (CommandLineOptionException e) {
                throw new IllegalArgumentException("JMH does not take the arguments after --: " + e.getMessage(), e);
            }
        }
        List<String> jvmArgs = new ArrayList<>(pinning.asJvmArgs());
        return options
                .include("^" + java.util.regex.Pattern.quote(EchoBenchmark.class.getName()) + "\\.echo$")
                .param("model", point.servers().toArray(String[]::new))
                .param("connections", Integer.toString(point.shape().connections()))
                .param("payload", Integer.toString(point.shape().payload()))
                .param("work", Integer.toString(point.shape().work()))
                .param("depth", Integer.toString(point.shape().depth()))
                .param("threads", Integer.toString(point.threads()))
                .param("protocol", protocol)
                .forks(forks)
                .warmupIterations(warmupIterations)
                .warmupTime(millis(warmupSeconds))
                .measurementIterations(iterations)
                .measurementTime(millis(iterationSeconds))
                .jvmArgsAppend(jvmArgs.toArray(String[]::new))
                .addProfiler(LatencyProfiler.class)
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString())
                .shouldFailOnError(false)
                .verbosity(VerboseMode.NORMAL)
                .build();
    }

    /** Checks the arguments after {@code --} before anything runs. */
    public static void checkJmhArgs(List<String> args) {
        try {
            new CommandLineOptions(args.toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            throw new IllegalArgumentException("JMH does not take the arguments after --: " + e.getMessage(), e);
        }
    }

    private static TimeValue millis(double seconds) {
        return TimeValue.milliseconds(Math.round(seconds * 1000));
    }

    static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
