package dev.reactorworkbench.comparisonbench.report;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code workbench report RESULTS.json [--memory M] [--latency L] [--baseline OLD]}: writes the
 * report (Markdown, the same as an HTML page, SVG charts) from a run's results and prints the tables.
 */
@Command(name = "report", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Write target/report/index.html, report.md and charts/*.svg from benchmark results, and print the tables.",
                "RESULTS.json: the file ./workbench compare writes (target/results/results.json), or JMH's -rf json output.",
                "memory.json and latency.json beside RESULTS.json are read too unless --memory / --latency name others."},
        footer = {"", "Examples:", "  ./workbench report docs/results/results.json --out /tmp/report",
                "  ./workbench report target/results/results.json --baseline docs/results/results.json"})
public final class ReportCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "RESULTS.json", description = "Benchmark results.")
    Path results;

    @Option(names = "--memory", paramLabel = "MEMORY.json", description = "The memory scenario's results (default: memory.json beside RESULTS.json, if there).")
    Path memory;

    @Option(names = "--latency", paramLabel = "LATENCY.json", description = "The open-loop latency runs (default: latency.json beside RESULTS.json, if there).")
    Path latency;

    @Option(names = "--baseline", paramLabel = "OLD.json", description = "An earlier run's results.json: adds a column of the change against it, and whether it exceeds the noise.")
    Path baseline;

    @Option(names = "--out", paramLabel = "<dir>", description = "Where to write the report (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "report");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            BenchResults bench = BenchResults.read(results);
            if (bench.rows().isEmpty()) {
                err.println("report: " + results + " has no EchoBenchmark results");
                return 1;
            }
            ReportBuilder builder = builder(bench, beside(results, memory, "memory.json"), beside(results, latency, "latency.json"),
                    baseline);
            List<Path> files = builder.write(out);
            print(stdout, builder, files, out);
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("report: " + (e instanceof NoSuchFileException ? "no such file: " : "") + e.getMessage());
            return Files.exists(results) ? 1 : 2;
        }
    }

    /** {@code given} if the user named a file, else {@code name} beside the results when it exists, else null. */
    static Path beside(Path results, Path given, String name) {
        if (given != null) {
            return given;
        }
        Path sibling = results.toAbsolutePath().resolveSibling(name);
        return Files.isRegularFile(sibling) ? sibling : null;
    }

    /** The report of one run with its optional companions; {@code compare} builds it the same way. */
    static ReportBuilder builder(BenchResults bench, Path memory, Path latency, Path baseline) throws IOException {
        MemoryResults mem = memory == null ? null : MemoryResults.read(memory);
        LatencyResults lat = latency == null ? null : LatencyResults.read(latency);
        BenchResults old = null;
        if (baseline != null) {
            try {
                old = BenchResults.read(baseline);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--baseline " + baseline + ": " + e.getMessage(), e);
            }
        }
        return new ReportBuilder(bench, mem, lat, old, baseline == null ? null : baseline.toString());
    }

    /** The tables and the list of files written, as both commands print them. */
    static void print(PrintWriter out, ReportBuilder builder, List<Path> files, Path dir) {
        out.print(builder.tables());
        String mem = builder.memoryMarkdown();
        if (!mem.isEmpty()) {
            out.println();
            out.print(mem);
        }
        out.println();
        double noise = builder.noise();
        out.println(Double.isNaN(noise) ? "noise: no intervals in this run"
                : String.format(java.util.Locale.ROOT, "noise: median half-width of the msgs/s intervals %.1f %% of the score", noise * 100));
        long charts = files.stream().filter(f -> f.toString().endsWith(".svg")).count();
        out.println("report: " + dir.resolve("index.html").toAbsolutePath().normalize() + " (+ report.md, " + charts
                + " charts in " + dir.resolve("charts") + ")");
    }
}
