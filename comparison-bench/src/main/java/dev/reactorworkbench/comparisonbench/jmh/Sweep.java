package dev.reactorworkbench.comparisonbench.jmh;

import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One sweep of {@link EchoBenchmark}: every server named, times every load, run by JMH's
 * {@link Runner} in this process (each trial in a JMH fork of its own).
 *
 * @param servers           server names, models and reference servers
 * @param warmupIterations  per trial, each {@code warmupSeconds} long
 * @param iterations        measured iterations per trial, each {@code iterationSeconds} long
 */
public record Sweep(List<String> servers, List<Integer> connections, List<Integer> payloads, List<Integer> works,
                    int forks, int warmupIterations, double warmupSeconds, int iterations, double iterationSeconds) {

    /** The full sweep of the benchmark issue: 3 x 2 x 2 loads per server, about 11 s per trial. */
    public static Sweep full(List<String> servers) {
        return new Sweep(servers, List.of(1, 64, 1024), List.of(64, 4096), List.of(0, 20), 1, 2, 1, 3, 2);
    }

    /** {@code compare --quick}: one load (64 connections, 64 B, no work) per server, about 5 s each. */
    public static Sweep quick(List<String> servers) {
        return new Sweep(servers, List.of(64), List.of(64), List.of(0), 1, 1, 1, 2, 1);
    }

    public int trials() {
        return servers.size() * connections.size() * payloads.size() * works.size() * forks;
    }

    /** How the run was made, for the results file and the report. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", EchoBenchmark.class.getName() + ".echo (JMH throughput, " + EchoBenchmark.BATCH
                + " replies per operation)");
        m.put("servers", String.join(", ", servers));
        m.put("connections", connections.toString());
        m.put("payloadBytes", payloads.toString());
        m.put("workMicros", works.toString());
        m.put("load", "closed loop, depth " + EchoBenchmark.DEPTH + " (one request in flight per connection), "
                + "every reply checked byte for byte");
        m.put("iterations", String.format(Locale.ROOT, "%d fork(s) per trial; warm-up %d x %s s; measured %d x %s s",
                forks, warmupIterations, trim(warmupSeconds), iterations, trim(iterationSeconds)));
        m.put("serverThreads", "--threads " + EchoBenchmark.serverThreads() + " for every server (Netty's worker group "
                + "and every model's pool; models without a pool ignore it)");
        m.put("threadSplit", threadSplit());
        return m;
    }

    /** Who runs where: said in the results and the report. */
    public static String threadSplit() {
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format(Locale.ROOT, "the server (its own threads, --threads %d) and the load generator "
                        + "(%d client thread%s, 1 for a single connection) run in one JVM fork per trial on the same %d "
                        + "cores%s; the JMH thread only waits.", EchoBenchmark.serverThreads(), EchoBenchmark.clientThreads(1024),
                EchoBenchmark.clientThreads(1024) == 1 ? "" : "s", cores,
                cores <= 2 ? ": client and server share the CPU, so each score is lower than the server alone "
                        + "could reach, and a server with many runnable threads competes with the client" : "");
    }

    /**
     * Runs the sweep, writing JMH's JSON to {@code jsonFile} and its full output to {@code logFile},
     * with one progress line per trial on {@code terminal}.
     *
     * @return the trials that failed (no score was kept for them)
     */
    public List<String> run(Path jsonFile, Path logFile, PrintStream terminal) throws IOException, RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + java.util.regex.Pattern.quote(EchoBenchmark.class.getName()) + "\\.echo$")
                .param("model", servers.toArray(String[]::new))
                .param("connections", strings(connections))
                .param("payload", strings(payloads))
                .param("work", strings(works))
                .forks(forks)
                .warmupIterations(warmupIterations)
                .warmupTime(millis(warmupSeconds))
                .measurementIterations(iterations)
                .measurementTime(millis(iterationSeconds))
                .addProfiler(LatencyProfiler.class)
                .resultFormat(ResultFormatType.JSON)
                .result(jsonFile.toString())
                .shouldFailOnError(false)
                .verbosity(VerboseMode.NORMAL);
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        try (PrintStream logStream = new PrintStream(Files.newOutputStream(logFile), true, StandardCharsets.UTF_8)) {
            OutputFormat log = OutputFormatFactory.createFormatInstance(logStream, VerboseMode.NORMAL);
            ProgressFormat progress = new ProgressFormat(terminal, log, trials());
            new Runner(options.build(), progress).run();
            return progress.failed();
        }
    }

    private static String[] strings(List<Integer> values) {
        return values.stream().map(String::valueOf).toArray(String[]::new);
    }

    private static TimeValue millis(double seconds) {
        return TimeValue.milliseconds(Math.round(seconds * 1000));
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
