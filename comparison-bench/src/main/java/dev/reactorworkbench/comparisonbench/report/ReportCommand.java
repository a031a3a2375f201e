package dev.reactorworkbench.comparisonbench.report;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code workbench report RESULTS.json [--memory MEMORY.json]}: writes the HTML report, its SVG
 * charts and the Markdown table from a run's results (JMH's JSON, or the file {@code compare}
 * writes), and prints the table.
 */
@Command(name = "report", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Write target/report/index.html (tables and SVG charts) and report.md from benchmark results.",
                "RESULTS.json: the file ./workbench compare writes (target/results/results.json), or JMH's -rf json output."},
        footer = {"", "Example:", "  ./workbench report docs/results/full-run.json --memory docs/results/memory.json"})
public final class ReportCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "RESULTS.json", description = "Benchmark results.")
    Path results;

    @Option(names = "--memory", paramLabel = "MEMORY.json", description = "The memory scenario's results, for its chart and table.")
    Path memory;

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
            MemoryResults mem = memory == null ? null : MemoryResults.read(memory);
            if (bench.rows().isEmpty()) {
                err.println("report: " + results + " has no EchoBenchmark results");
                return 1;
            }
            ReportBuilder builder = new ReportBuilder(bench, mem);
            List<Path> files = builder.write(out);
            stdout.print(builder.markdownTable());
            if (mem != null) {
                stdout.println();
                stdout.print(builder.memoryTable());
            }
            stdout.println();
            stdout.println("report: wrote " + files.size() + " files under " + out.toAbsolutePath().normalize() + ":");
            files.forEach(f -> stdout.println("  " + out.relativize(f)));
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("report: " + (e instanceof java.nio.file.NoSuchFileException ? "no such file: " : "") + e.getMessage());
            return Files.exists(results) ? 1 : 2;
        }
    }
}
