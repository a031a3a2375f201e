package dev.reactorworkbench.comparisonbench.report;

import dev.reactorworkbench.comparisonbench.jmh.LatencyProfiler;
import dev.reactorworkbench.comparisonbench.jmh.Servers;
import dev.reactorworkbench.comparisonbench.jmh.Shape;
import dev.reactorworkbench.comparisonbench.jmh.Sweep;
import dev.reactorworkbench.comparisonbench.memory.MemoryScenario;
import dev.reactorworkbench.comparisonbench.openloop.OpenLoopRuns;
import dev.reactorworkbench.comparisonbench.load.LoadProtocol;
import dev.reactorworkbench.comparisonbench.process.Pinning;
import dev.reactorworkbench.comparisonbench.redis.RealRedis;
import dev.reactorworkbench.comparisonbench.redis.RedisBinaries;
import dev.reactorworkbench.comparisonbench.reference.ReferenceServers;
import dev.reactorworkbench.launcher.Converters;
import dev.reactorworkbench.launcher.Launcher;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.openjdk.jmh.runner.RunnerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code workbench compare [--quick]}: benchmarks every model and every Netty reference server
 * found at run time, side by side, then writes the results and the report and prints the table.
 * <ol>
 *   <li>the quiet-machine gate (not for {@code --quick}): refuse a busy machine unless {@code --force};</li>
 *   <li>the JMH sweep ({@link Sweep}): every server at every shape, each trial's server in a process of its own;</li>
 *   <li>the open-loop runs ({@link OpenLoopRuns}) at 50 % and 90 % of netty-nio's measured capacity;</li>
 *   <li>the memory scenario (full: 1,000 and 10,000 idle connections; quick: only with {@code --memory});</li>
 *   <li>results to {@code target/results/}, report to {@code target/report/}, table to the terminal.</li>
 * </ol>
 */
@Command(name = "compare", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Benchmark every model against the Netty reference servers, write the report, print the table.",
                "Each trial runs the server in a process of its own (./workbench serve NAME --port 0 ...) and measures",
                "msgs/s, closed-loop latency, and the cost per message the kernel counts for the server process (CPU us,",
                "read and write calls, context switches) and for the load generator (CPU us).",
                "--quick: one load (64 connections, 64 B, no work), 1 fork of 1 + 2 x 1 s per server, a short open-loop run:",
                "about 3 minutes on 2 cores.",
                "Without --quick: 5 loads (64 x 64 B, 1,024 x 64 B, 1,024 x 4 KiB, 1,024 x 64 B x 20 us work, 1 x 64 B),",
                "3 forks of 2 x 1 s + 6 x 1.5 s each, netty-nio at --threads 1 beside them (the single reactor's twin), open-loop",
                "latency at 50 %% and 90 %% of netty-nio's capacity (64 and 1,024 connections), and the memory scenario",
                "(1,000 and 10,000 idle connections): about 55 minutes on 2 cores; the estimate is printed first.",
                "A full run refuses to start on a busy machine (1-minute load average above 0.25 per core); --force runs",
                "anyway and the results say so."},
        footer = {"", "Examples:", "  ./workbench compare --quick", "  ./workbench compare",
                "  ./workbench compare --quick --servers single-thread-reactor,netty-nio",
                "  ./workbench compare --servers redis6-io-threads,netty-nio --connections 64,1024 --payload 64 --forks 5",
                "  ./workbench compare --servers single-thread-reactor,netty-nio --connections 64 --depth 16 --no-open-loop",
                "  ./workbench compare --quick --servers netty-nio -- -prof gc"})
public final class CompareCommand implements Callable<Integer> {

    /** The quiet-machine gate: the 1-minute load average may be at most this much per core. */
    public static final double LOAD_PER_CORE = 0.25;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--quick", description = "A short sweep: one load per server, one fork.")
    boolean quick;

    @Option(names = "--memory", negatable = true, description = "Run the memory scenario (default: on for the full run; "
            + "with --quick: 1,000 connections only).")
    Boolean memory;

    // An option that is on by default is declared by its negative name (picocli's rule for negatable
    // options): declared as --open-loop with the field true, each form toggled the default, so
    // --no-open-loop ran the open loop and --open-loop skipped it.
    @Option(names = "--no-open-loop", negatable = true, description = "Run the open-loop latency runs after the sweep "
            + "(default: on; they need netty-nio among the servers, whose capacity sets the rate).")
    boolean openLoop = true;

    @Option(names = "--servers", split = ",", paramLabel = "<name>", description = "Only these servers (default: every model and reference server found).")
    List<String> servers;

    @Option(names = "--connections", split = ",", paramLabel = "<n>", description = "Loads: these connection counts "
            + "(with --payload and --work: every combination; default 64 when only the others are given).")
    List<Integer> connections;

    @Option(names = "--payload", split = ",", paramLabel = "<bytes>", description = "Loads: these payload sizes (default 64).")
    List<Integer> payloads;

    @Option(names = "--work", split = ",", paramLabel = "<us>", description = "Loads: these handler work times in microseconds (default 0).")
    List<Integer> works;

    @Option(names = "--depth", split = ",", paramLabel = "<n>", description = "Loads: these pipeline depths, requests in "
            + "flight per connection (default 1: send one, wait for its reply, send the next; e.g. 16 pipelines 16); the "
            + "open loop runs at the depth-1 loads only.")
    List<Integer> depths;

    @Option(names = "--forks", paramLabel = "<n>", description = "JMH forks per point (default: 3, --quick 1).")
    Integer forks;

    @Option(names = "--warmup", paramLabel = "<n>[x<time>]", description = "Warm-up iterations per fork, e.g. 2 or 2x1s "
            + "(default: 2x1s, --quick 1x1s).")
    String warmup;

    @Option(names = "--measure", paramLabel = "<n>[x<time>]", description = "Measured iterations per fork, e.g. 5 or 5x1s "
            + "(default: 6x1500ms, --quick 2x1s).")
    String measure;

    @Option(names = "--server-cpus", paramLabel = "<list>", description = "Pin the server processes to these CPUs "
            + "(taskset -c syntax: 1 or 2-3); default unpinned.")
    String serverCpus;

    @Option(names = "--client-cpus", paramLabel = "<list>", description = "Pin the load generator to these CPUs; default unpinned.")
    String clientCpus;

    @Option(names = "--force", description = "Run the full sweep even on a busy machine; the results record forced: true.")
    boolean force;

    @Option(names = "--results", paramLabel = "<dir>", description = "Where results.json, latency.json, memory.json, jmh.json and jmh.log go (default: ${DEFAULT-VALUE}).")
    Path resultsDir = Path.of("target", "results");

    @Option(names = "--out", paramLabel = "<dir>", description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path reportDir = Path.of("target", "report");

    @Option(names = "--protocol", paramLabel = "<echo|resp>", description = "echo: length-prefixed echo (default). resp: "
            + "Redis commands (a SET/GET mix, every reply checked), every model with --codec resp, and real redis-server "
            + "as the rows redis and redis-io-threads (--io-threads = the models' thread count) when it is installed, at the "
            + "loads with --work 0 only (Redis has no handler work); no Netty rows, open loop or memory scenario.")
    String protocol = "echo";

    @Option(names = "--baseline", paramLabel = "OLD.json", description = "An earlier run's results.json: the report adds "
            + "a column of the change against it, and whether it exceeds the noise.")
    Path baseline;

    @Parameters(paramLabel = "JMH_ARGS", arity = "0..*", description = "After --: passed to JMH as they are, e.g. -- -prof gc.")
    List<String> jmhArgs = new ArrayList<>();

    @Spec
    CommandSpec spec;

    private final PrintStream terminal;

    public CompareCommand(PrintStream terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws IOException, RunnerException {
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        if (!baselineReadable(err)) {
            return 2;
        }
        // 1. What to run; every option checked before anything starts.
        boolean resp;
        try {
            resp = LoadProtocol.named(protocol) == LoadProtocol.RESP;
        } catch (IllegalArgumentException e) {
            err.println("compare: --" + e.getMessage());
            return 2;
        }
        List<String> names = resp ? respServers() : Servers.names();
        if (servers != null && !servers.isEmpty()) {
            for (String s : servers) {
                if (!names.contains(s)) {
                    err.println("compare: unknown server '" + s + "'; choose among: " + String.join(", ", names));
                    return 2;
                }
            }
            names = names.stream().filter(servers::contains).toList();
        }
        Sweep sweep;
        OpenLoopRuns open;
        try {
            sweep = sweep(names);
            open = openLoopRuns(sweep);
        } catch (IllegalArgumentException e) {
            err.println("compare: " + e.getMessage());
            return 2;
        }
        boolean runMemory = memory != null ? memory : !quick && !resp;
        List<Integer> memoryCounts = quick ? List.of(1_000) : List.of(1_000, 10_000);

        Map<String, Object> machine = Machine.describe();
        terminal.printf(Locale.ROOT, "compare%s: %d servers (%s)%n", quick ? " --quick" : "", names.size(), String.join(", ", names));
        ReferenceServers.skipped().forEach(s -> terminal.println("  " + s));
        terminal.printf(Locale.ROOT, "machine: %s cores, %s, %s, load average %s%n", machine.get("cores"), machine.get("jdk"),
                machine.get("os"), machine.get("loadAverageAtStart"));

        // 2. The quiet-machine gate.
        Map<String, Object> gate = loadGate();
        machine.put("loadGate", gate);
        machine.put("pinning", sweep.pinning().describe(Runtime.getRuntime().availableProcessors()));
        terminal.printf(Locale.ROOT, "quiet-machine gate: 1-minute load %.2f, threshold %.2f: %s%n", gate.get("loadAtStart"),
                gate.get("threshold"), quick ? "not enforced for --quick" : (Boolean) gate.get("passed") ? "passed"
                        : force ? "FAILED, run anyway (--force): the results say forced: true" : "FAILED");
        terminal.println("thread split: " + Sweep.threadSplit(sweep.pinning()));
        if (sweep.forks() < 3) {
            terminal.println("NOTE: " + sweep.forks() + " fork(s) per point: the intervals say little; the full run takes 3");
        }
        double memorySeconds = runMemory ? names.size() * memoryCounts.size() * 6.0 : 0;
        double openSeconds = open == null ? 0 : open.estimatedSeconds();
        double total = sweep.estimatedSeconds() + openSeconds + memorySeconds;
        terminal.printf(Locale.ROOT, "%d benchmarks x %d fork(s): %s; open loop: %d runs; memory: %s%n", sweep.benchmarks(),
                sweep.forks(), sweep.describe().get("iterations"), open == null ? 0 : open.runs(),
                runMemory ? memoryCounts + " idle connections" : "off");
        terminal.printf(Locale.ROOT, "estimated duration: about %s (JMH %s, open loop %s, memory %s)%n", minutes(total),
                minutes(sweep.estimatedSeconds()), minutes(openSeconds), minutes(memorySeconds));

        if (!quick && !(Boolean) gate.get("passed") && !force) {
            err.printf(Locale.ROOT, "compare: the machine is busy: 1-minute load average %.2f, above the threshold %.2f "
                            + "(%.2f per core x %d cores). Figures from a busy machine are not evidence: stop other builds, "
                            + "benchmarks and tests, wait a minute or two (the average decays by about 63%% a minute), "
                            + "or run anyway with --force (the results then say forced: true).%n",
                    gate.get("loadAtStart"), gate.get("threshold"), LOAD_PER_CORE, (Integer) gate.get("cores"));
            return 1;
        }
        // 3. The JMH sweep, sampling the load average as it goes.
        Files.createDirectories(resultsDir);
        Path jmhJson = resultsDir.resolve("jmh.json");
        Path log = resultsDir.resolve("jmh.log");
        Files.deleteIfExists(jmhJson);
        List<String> failed;
        Path latencyFile = null;
        try (LoadAverageSampler sampler = new LoadAverageSampler(Duration.ofSeconds(10))) {
            failed = sweep.run(jmhJson, log, terminal);
            // 4. The open-loop runs, at rates set by the sweep's measured capacity.
            if (open != null && Files.exists(jmhJson)) {
                latencyFile = runOpenLoop(open, ReportJson.plain(Files.readString(jmhJson)), machine);
            }
            machine.put("loadAverageDuringBenchmark", sampler.summary());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RunnerException e) {
            // e.g. another JMH run holds /tmp/jmh.lock: two benchmarks at once would measure each other.
            err.println("compare: JMH could not run: " + e.getMessage());
            return 1;
        }
        machine.put("loadAverageAtEnd", Machine.loadAverage());
        if (!Files.exists(jmhJson)) {
            err.println("compare: JMH wrote no results (see " + log + ")");
            return 1;
        }
        Map<String, Object> settings = sweep.describe();
        if (!failed.isEmpty()) {
            settings.put("failed", String.join("; ", failed));
        }
        Path results = resultsDir.resolve("results.json");
        ReportJson.write(results, BenchResults.wrap(machine, settings, ReportJson.tree(Files.readString(jmhJson))));
        if (latencyFile != null) {
            rewriteMachine(latencyFile, machine); // the load during the whole run, as in results.json
        }

        // 5. The memory scenario, each server in a process of its own.
        Path memoryFile = null;
        if (runMemory) {
            terminal.printf(Locale.ROOT, "memory: %s idle connections per server, server and client in separate processes%n",
                    memoryCounts);
            List<MemoryScenario.Row> rows = MemoryScenario.run(names, memoryCounts, terminal::println);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("machine", machine);
            doc.put("method", "heap: used after two full GCs (MemoryMXBean); RSS: VmRSS of /proc/self/status, with the "
                    + "heap fixed and pre-touched (-Xms" + MemoryScenario.HEAP + " -Xmx" + MemoryScenario.HEAP
                    + " -XX:+AlwaysPreTouch) so RSS growth is native memory; threads: "
                    + "platform threads of the server process (ThreadMXBean); each measured with N idle connections "
                    + "and without, the difference divided by N; the connections are opened by a separate client process");
            List<Object> list = new ArrayList<>();
            rows.forEach(r -> list.add(r.toJson()));
            doc.put("rows", list);
            memoryFile = resultsDir.resolve("memory.json");
            ReportJson.write(memoryFile, doc);
        }

        // 6. The report and the table.
        writeReport(results, memoryFile, latencyFile);
        terminal.println("results: " + results.toAbsolutePath().normalize() + " (JMH's own JSON: " + jmhJson + ", log: " + log + ")");
        if (latencyFile != null) {
            terminal.println("latency: " + latencyFile.toAbsolutePath().normalize() + " (open loop, full histograms)");
        }
        if (memoryFile != null) {
            terminal.println("memory:  " + memoryFile.toAbsolutePath().normalize());
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        terminal.printf(Locale.ROOT, "compare took %d:%02d%n", seconds / 60, seconds % 60);
        if (!failed.isEmpty()) {
            err.println("compare: " + failed.size() + " trial(s) FAILED and have no score: " + String.join("; ", failed));
            return 1;
        }
        return 0;
    }

    /** The report of this run (with latency.json when the run wrote one, and --baseline), and its tables on the terminal. */
    private void writeReport(Path results, Path memoryFile, Path latencyFile) throws IOException {
        ReportBuilder builder = ReportCommand.builder(BenchResults.read(results), memoryFile,
                latencyFile != null && Files.isRegularFile(latencyFile) ? latencyFile : null, baseline);
        List<Path> files = builder.write(reportDir);
        PrintWriter out = new PrintWriter(terminal, true);
        out.println();
        ReportCommand.print(out, builder, files, reportDir);
        out.flush();
    }

    /** A --baseline that cannot be read is said before the run, not after it. */
    private boolean baselineReadable(PrintWriter err) {
        if (baseline == null) {
            return true;
        }
        try {
            BenchResults.read(baseline);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            err.println("compare: --baseline " + baseline + ": " + (e instanceof java.nio.file.NoSuchFileException
                    ? "no such file" : e.getMessage()));
            return false;
        }
    }

    /**
     * The servers of {@code --protocol resp}: every model (with {@code --codec resp}), then real
     * Redis as the rows {@code redis} and {@code redis-io-threads} when {@code redis-server} is
     * installed (one line says so when it is not). The Netty servers speak only the echo protocol.
     */
    private List<String> respServers() {
        List<String> names = new ArrayList<>(ServerModel.discover().stream().map(ServerModel::name).toList());
        if (RedisBinaries.find("redis-server").isPresent()) {
            names.add(RealRedis.rowName(1));
            names.add(RealRedis.rowName(2));
        } else {
            terminal.println("(no Redis rows: " + RedisBinaries.missing("redis-server") + ")");
        }
        return names;
    }

    /** The sweep the options ask for: full or quick, then each given option on top. */
    private Sweep sweep(List<String> names) {
        boolean resp = LoadProtocol.named(protocol) == LoadProtocol.RESP;
        Sweep sweep = quick ? Sweep.quick(names) : Sweep.full(names);
        if (resp) {
            // The default RESP loads have work 0: real Redis burns no handler work (Sweep runs its rows at
            // work-0 loads only).
            sweep = sweep.withProtocol("resp");
            if (!quick && connections == null && payloads == null && works == null && depths == null) {
                sweep = sweep.withShapes(Shape.grid(List.of(64, 1024), List.of(64), List.of(0)));
            }
        }
        if (connections != null || payloads != null || works != null || depths != null) {
            sweep = sweep.withShapes(Shape.grid(orDefault(connections, 64), orDefault(payloads, 64), orDefault(works, 0),
                    orDefault(depths, 1)));
        }
        if (forks != null) {
            if (forks < 1) {
                throw new IllegalArgumentException("--forks must be at least 1, was " + forks);
            }
            sweep = sweep.withForks(forks);
        }
        if (warmup != null) {
            Iterations w = Iterations.parse("--warmup", warmup, sweep.warmupSeconds());
            sweep = sweep.withWarmup(w.count(), w.seconds());
        }
        if (measure != null) {
            Iterations m = Iterations.parse("--measure", measure, sweep.iterationSeconds());
            if (m.count() < 1) {
                throw new IllegalArgumentException("--measure needs at least 1 iteration, was '" + measure + "'");
            }
            sweep = sweep.withMeasurement(m.count(), m.seconds());
        }
        sweep = sweep.withPinning(new Pinning(serverCpus, clientCpus));
        if (!jmhArgs.isEmpty()) {
            Sweep.checkJmhArgs(jmhArgs);
            sweep = sweep.withJmhArgs(jmhArgs);
        }
        for (Shape s : sweep.shapes()) {
            if (s.payload() > 1 << 20 || s.work() > 1_000_000 || s.connections() > 10_000) {
                throw new IllegalArgumentException("a load must have at most 10,000 connections, 1 MiB payload and "
                        + "1,000,000 us work; was " + s);
            }
        }
        return sweep;
    }

    private static List<Integer> orDefault(List<Integer> given, int fallback) {
        return given == null || given.isEmpty() ? List.of(fallback) : given;
    }

    /** {@code N} or {@code NxTIME} ({@code 5x1s}, {@code 3x500ms}). */
    record Iterations(int count, double seconds) {
        private static final Pattern FORM = Pattern.compile("(\\d+)(?:x(.+))?");

        static Iterations parse(String flag, String text, double defaultSeconds) {
            Matcher m = FORM.matcher(text.trim());
            Duration d = m.matches() && m.group(2) != null ? Converters.duration(m.group(2)) : null;
            if (!m.matches() || (m.group(2) != null && (d == null || d.isZero()))) {
                throw new IllegalArgumentException(flag + " must look like 5 or 5x1s or 3x500ms (iterations x time), was '"
                        + text + "'");
            }
            return new Iterations(Integer.parseInt(m.group(1)), d == null ? defaultSeconds : d.toMillis() / 1e3);
        }
    }

    /**
     * The open-loop runs: at 64 and 1,024 connections x 64 B x 0 (those of the sweep's shapes; a
     * custom run takes its first shape), 50 % and 90 % of netty-nio's capacity; quick: the first
     * shape, shorter. None without netty-nio, whose capacity sets the rate, or with --no-open-loop;
     * only at depth-1 loads (the open loop keeps its own {@link OpenLoopRuns#DEPTH}, and the capacity
     * that sets its rate is the one-in-flight capacity).
     */
    private OpenLoopRuns openLoopRuns(Sweep sweep) {
        if (!openLoop || !sweep.servers().contains(Servers.BASELINE) || !"echo".equals(sweep.protocol())) {
            return null;
        }
        List<Shape> oneInFlight = sweep.shapes().stream().filter(s -> s.depth() == 1).toList();
        if (oneInFlight.isEmpty()) {
            return null;
        }
        List<Shape> shapes = oneInFlight.stream()
                .filter(s -> s.payload() == 64 && s.work() == 0 && (s.connections() == 64 || s.connections() == 1024))
                .toList();
        if (shapes.isEmpty() || quick) {
            shapes = List.of(oneInFlight.getFirst());
        }
        return quick
                ? new OpenLoopRuns(sweep.servers(), shapes, List.of(0.5, 0.9), Duration.ofMillis(500), Duration.ofSeconds(1),
                0, sweep.pinning())
                : new OpenLoopRuns(sweep.servers(), shapes, List.of(0.5, 0.9), Duration.ofMillis(1500), Duration.ofSeconds(3),
                0, sweep.pinning());
    }

    /** Runs {@code open} at the capacity the sweep measured for netty-nio, writes latency.json. */
    private Path runOpenLoop(OpenLoopRuns open, Object jmh, Map<String, Object> machine) throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        Map<Shape, OpenLoopRuns.Capacity> capacities = new LinkedHashMap<>();
        if (jmh instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> result && result.get("params") instanceof Map<?, ?> p
                        && Servers.BASELINE.equals(p.get("model")) && String.valueOf(cores).equals(p.get("threads"))
                        && result.get("primaryMetric") instanceof Map<?, ?> primary) {
                    Shape shape = new Shape(Integer.parseInt((String) p.get("connections")),
                            Integer.parseInt((String) p.get("payload")), Integer.parseInt((String) p.get("work")),
                            p.get("depth") == null ? 1 : Integer.parseInt((String) p.get("depth")));
                    capacities.put(shape, new OpenLoopRuns.Capacity(Servers.BASELINE, ((Number) primary.get("score")).doubleValue()));
                }
            }
        }
        terminal.printf(Locale.ROOT, "open loop: %d runs, every server at %s of %s's measured msgs/s at %s, %s s measured%n",
                open.runs(), open.fractions(), Servers.BASELINE, open.shapes(), open.duration().toMillis() / 1e3);
        // The load generator runs in this process here: pinned like the JMH forks' (its threads inherit the mask).
        open.pinning().pinThisProcess();
        List<Map<String, Object>> runs = open.run(capacities, terminal::println);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("machine", machine);
        doc.put("method", open.describe());
        doc.put("runs", runs);
        Path file = resultsDir.resolve("latency.json");
        ReportJson.write(file, doc);
        return file;
    }

    @SuppressWarnings("unchecked")
    private static void rewriteMachine(Path file, Map<String, Object> machine) throws IOException {
        Map<String, Object> doc = (Map<String, Object>) ReportJson.plain(Files.readString(file));
        Map<String, Object> copy = new LinkedHashMap<>(doc);
        copy.put("machine", machine);
        ReportJson.write(file, copy);
    }

    /** The gate's figures for this machine now. */
    private Map<String, Object> loadGate() {
        double load;
        try {
            load = Double.parseDouble(Machine.loadAverageFields()[0]);
        } catch (IOException | RuntimeException e) {
            load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
        return loadGate(load, Runtime.getRuntime().availableProcessors(), !quick, force);
    }

    /**
     * The quiet-machine gate: {@code threshold} ({@link #LOAD_PER_CORE} x cores: on average at
     * most a quarter of the machine busy with something else over the last minute; 0.5 on 2
     * cores), the 1-minute {@code loadAtStart}, {@code cores}, {@code passed}, {@code enforced}
     * (not for --quick) and {@code forced} (enforced, failed, and run anyway with --force).
     * NOTE: why a quarter: a 2-core run already keeps both cores busy, and anything else runnable
     * takes its share of them, so more than half a core in use elsewhere moves the figures by more
     * than the differences the report wants to show; an unknown load (-1) fails.
     */
    public static Map<String, Object> loadGate(double load, int cores, boolean enforced, boolean force) {
        double threshold = LOAD_PER_CORE * cores;
        boolean passed = load >= 0 && load <= threshold;
        Map<String, Object> gate = new LinkedHashMap<>();
        gate.put("threshold", threshold);
        gate.put("loadAtStart", load);
        gate.put("cores", cores);
        gate.put("forced", enforced && !passed && force);
        gate.put("passed", passed);
        gate.put("enforced", enforced);
        return gate;
    }

    private static String minutes(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d min", s / 60, s % 60);
    }
}
