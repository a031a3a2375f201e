package dev.reactorworkbench.comparisonbench.jmh;

import dev.reactorworkbench.launcher.Units;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * JMH's output for a person watching a sweep: one line per benchmark ({@code [n/m] server,
 * connections, payload, work, threads -> msgs/s, server CPU per message, p99}), a dot per
 * iteration, and FAILED for a benchmark that threw. Everything JMH prints goes, in full, to
 * {@code log} as well. One instance serves every JMH run of a sweep ({@link Sweep} runs one per
 * shape), so it never closes the log: the sweep does.
 */
final class ProgressFormat implements OutputFormat {

    private final PrintStream terminal;
    private final OutputFormat log;
    private final int total;
    private final long startNanos = System.nanoTime();
    private final List<String> failed = new ArrayList<>();   // JMH's runner thread only
    private int started;
    private BenchmarkParams current;

    ProgressFormat(PrintStream terminal, OutputFormat log, int total) {
        this.terminal = terminal;
        this.log = log;
        this.total = total;
    }

    /** The benchmarks that threw instead of giving a score, one label each. */
    List<String> failed() {
        return failed;
    }

    @Override
    public void startRun() {
        log.startRun();
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        closeFailed();
        started++;
        current = params;
        terminal.printf(Locale.ROOT, "[%3d/%d %s] %-29s %5s conns %5s B  work %2s us  threads %s%s ", started, total,
                elapsed(), params.getParam("model"), params.getParam("connections"), params.getParam("payload"),
                params.getParam("work"), params.getParam("threads"), pipelined(params));
        terminal.flush();
        log.startBenchmark(params);
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        log.iteration(benchParams, params, iteration);
    }

    @Override
    public void iterationResult(BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
        terminal.print('.');
        terminal.flush();
        log.iterationResult(benchParams, params, iteration, data);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        log.endBenchmark(result);
        if (current == null) {
            return;
        }
        if (result == null) {
            closeFailed();
            return;
        }
        Result p99 = result.getSecondaryResults().get("p99");
        Result cpu = result.getSecondaryResults().get(LatencyProfiler.SERVER_CPU);
        terminal.printf(Locale.ROOT, " %,12.0f msgs/s  server %s  p99 %s%n", result.getPrimaryResult().getScore(),
                cpu == null ? "?" : Units.latencyMicros(cpu.getScore()) + "/msg",
                p99 == null ? "?" : Units.latencyMicros(p99.getScore()));
        current = null;
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        closeFailed();
        log.endRun(result);
    }

    /** {@code  depth 16} for a pipelined load; nothing at depth 1 (or for a benchmark without the parameter). */
    private static String pipelined(BenchmarkParams params) {
        String depth = params.getParam("depth");
        return depth == null || depth.equals("1") ? "" : "  depth " + depth;
    }

    private void closeFailed() {
        if (current != null) {
            terminal.println(" FAILED (the reason is in the JMH log)");
            failed.add(current.getParam("model") + " " + current.getParam("connections") + " conns "
                    + current.getParam("payload") + " B work " + current.getParam("work") + " us threads "
                    + current.getParam("threads") + pipelined(current));
            current = null;
        }
    }

    private String elapsed() {
        long s = (System.nanoTime() - startNanos) / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void print(String s) {
        log.print(s);
    }

    @Override
    public void println(String s) {
        log.println(s);
    }

    @Override
    public void flush() {
        terminal.flush();
        log.flush();
    }

    @Override
    public void close() {
        log.flush(); // the sweep closes the log once every run is done
    }

    @Override
    public void verbosePrintln(String s) {
        log.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        log.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        log.write(b);
    }
}
