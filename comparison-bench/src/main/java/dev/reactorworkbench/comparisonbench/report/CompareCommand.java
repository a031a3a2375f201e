package dev.reactorworkbench.comparisonbench.report;

import dev.reactorworkbench.comparisonbench.jmh.Servers;
import dev.reactorworkbench.comparisonbench.jmh.Sweep;
import dev.reactorworkbench.comparisonbench.memory.MemoryScenario;
import dev.reactorworkbench.comparisonbench.reference.ReferenceServers;
import org.openjdk.jmh.runner.RunnerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

/**
 * {@code workbench compare [--quick]}: benchmarks every model and every Netty reference server
 * found at run time, side by side, then writes the results and the report and prints the table.
 * <ol>
 *   <li>the JMH sweep ({@link Sweep}: {@code --quick} one load per server, else the full 3 x 2 x 2);</li>
 *   <li>the memory scenario (full: 1,000 and 10,000 idle connections; quick: only with {@code --memory});</li>
 *   <li>results to {@code target/results/}, report to {@code target/report/}, table to the terminal.</li>
 * </ol>
 */
@Command(name = "compare", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Benchmark every model against the Netty reference servers, write the report, print the table.",
                "--quick: one load per server (64 connections, 64 B, no work), a few seconds each: under 3 minutes on 2 cores.",
                "Without --quick: the full JMH sweep (connections 1/64/1024 x payload 64/4096 B x work 0/20 us) and the",
                "memory scenario (1,000 and 10,000 idle connections per server): about 25 minutes on 2 cores."},
        footer = {"", "Examples:", "  ./workbench compare --quick", "  ./workbench compare",
                "  ./workbench compare --quick --servers single-thread-reactor,netty-nio"})
public final class CompareCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--quick", description = "A short sweep: one load per server.")
    boolean quick;

    @Option(names = "--memory", negatable = true, description = "Run the memory scenario (default: on for the full run; "
            + "with --quick: 1,000 connections only).")
    Boolean memory;

    @Option(names = "--servers", split = ",", paramLabel = "<name>", description = "Only these servers (default: every model and reference server found).")
    List<String> servers;

    @Option(names = "--results", paramLabel = "<dir>", description = "Where results.json, jmh.json, memory.json and jmh.log go (default: ${DEFAULT-VALUE}).")
    Path resultsDir = Path.of("target", "results");

    @Option(names = "--out", paramLabel = "<dir>", description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path reportDir = Path.of("target", "report");

    @Option(names = "--baseline", paramLabel = "OLD.json", description = "An earlier run's results.json: the report adds "
            + "a column of the change against it, and whether it exceeds the noise.")
    Path baseline;

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
        List<String> names = Servers.names();
        if (servers != null && !servers.isEmpty()) {
            for (String s : servers) {
                if (!names.contains(s)) {
                    err.println("compare: unknown server '" + s + "'; choose among: " + String.join(", ", names));
                    return 2;
                }
            }
            names = names.stream().filter(servers::contains).toList();
        }
        Sweep sweep = quick ? Sweep.quick(names) : Sweep.full(names);
        boolean runMemory = memory != null ? memory : !quick;
        List<Integer> memoryCounts = quick ? List.of(1_000) : List.of(1_000, 10_000);

        Map<String, Object> machine = Machine.describe();
        terminal.printf(Locale.ROOT, "compare%s: %d servers (%s)%n", quick ? " --quick" : "", names.size(), String.join(", ", names));
        ReferenceServers.skipped().forEach(s -> terminal.println("  " + s));
        terminal.printf(Locale.ROOT, "machine: %s cores, %s, %s, load average %s%n", machine.get("cores"), machine.get("jdk"),
                machine.get("os"), machine.get("loadAverageAtStart"));
        terminal.println("thread split: " + Sweep.threadSplit());
        terminal.printf(Locale.ROOT, "%d trials: %s%n", sweep.trials(), sweep.describe().get("iterations"));

        // 1. The JMH sweep.
        Files.createDirectories(resultsDir);
        Path jmhJson = resultsDir.resolve("jmh.json");
        Path log = resultsDir.resolve("jmh.log");
        Files.deleteIfExists(jmhJson);
        List<String> failed;
        try (LoadAverageSampler sampler = new LoadAverageSampler(Duration.ofSeconds(10))) {
            failed = sweep.run(jmhJson, log, terminal);
            machine.put("loadAverageDuringBenchmark", sampler.summary());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

        // 2. The memory scenario, each server in a process of its own.
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

        // 3. The report and the table.
        writeReport(results, memoryFile, resultsDir.resolve("latency.json"));
        terminal.println("results: " + results.toAbsolutePath().normalize() + " (JMH's own JSON: " + jmhJson + ", log: " + log + ")");
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
                Files.isRegularFile(latencyFile) ? latencyFile : null, baseline);
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
}
