package dev.reactorworkbench.comparisonbench.load;

import dev.reactorworkbench.launcher.Cli;
import dev.reactorworkbench.launcher.Converters;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code workbench load}: drives any server that speaks the length-prefixed protocol, prints a
 * progress line every second and a summary at the end. Exits 0 when every reply came back intact,
 * 1 when the run failed (the first error is printed), 2 for bad flags.
 */
@Command(name = "load", sortOptions = false,
        description = {"Send length-prefixed echo requests (or, with --protocol resp, Redis SET/GET commands) to a server",
                "and measure throughput and latency.",
                "Every reply is checked byte for byte; a wrong, missing or unexpected reply fails the run.",
                "Without --rate: closed loop (each connection keeps --depth requests in flight).",
                "With --rate: open loop (requests due on a fixed schedule; latency counted from the due time)."},
        footer = {"", "Examples:",
                "  ./workbench load --port 7000 --connections 16 --depth 4 --payload 64 --duration 10s",
                "  ./workbench load --port 7000 --connections 8 --rate 20000 --duration 30s --warmup 5s",
                "  ./workbench load --port 7000 --duration 5s --json | python3 -m json.tool",
                "  ./workbench load --port 7000 --duration 30s --histogram latency.hlog   (HdrHistogram log, e.g. for HistogramLogAnalyzer)",
                "  ./workbench load --port 6379 --protocol resp --connections 50 --depth 16 --duration 10s"})
public final class LoadCommand implements Callable<Integer> {

    static final int FAILED = 1;
    static final int USAGE = 2;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--host", paramLabel = "<addr>", description = "Server address (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "<port>", description = "Server port (default: ${DEFAULT-VALUE}).")
    int port = 7000;

    @Option(names = "--connections", paramLabel = "<n>", description = "TCP connections (default: ${DEFAULT-VALUE}).")
    int connections = 16;

    @Option(names = "--depth", paramLabel = "<n>", description = "Requests in flight per connection, i.e. pipeline depth; "
            + "in the open loop, how far behind schedule a connection may fall (default: ${DEFAULT-VALUE}).")
    int depth = 1;

    @Option(names = "--payload", paramLabel = "<bytes>", description = "Payload bytes per request (default: ${DEFAULT-VALUE}).")
    int payload = 64;

    @Option(names = "--rate", paramLabel = "<msgs/s>", description = "Open loop: requests per second over all connections; "
            + "0 = closed loop (default: ${DEFAULT-VALUE}).")
    long rate = 0;

    @Option(names = "--duration", paramLabel = "<time>", converter = Converters.DurationConverter.class,
            description = "Measured time, e.g. 10s, 500ms, 2m (default: 10s).")
    Duration duration = Duration.ofSeconds(10);

    @Option(names = "--warmup", paramLabel = "<time>", converter = Converters.DurationConverter.class,
            description = "Load before measuring; its replies are checked, not counted (default: 2s).")
    Duration warmup = Duration.ofSeconds(2);

    @Option(names = "--threads", paramLabel = "<n>", description = "Client threads, one Selector each (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--drain", paramLabel = "<time>", converter = Converters.DurationConverter.class,
            description = "After the measured time, how long to wait for replies still owed (default: 5s).")
    Duration drain = Duration.ofSeconds(5);

    @Option(names = "--max-requests", paramLabel = "<n>", description = "Stop each connection after this many requests; "
            + "0 = no limit (default: ${DEFAULT-VALUE}).")
    long maxRequests = 0;

    /** At most one machine-readable format on standard output. */
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Format format;

    static final class Format {
        @Option(names = "--json", required = true, description = "Print every figure as one JSON object on standard output "
                + "(progress and summary go to standard error), the percentile list included.")
        boolean json;

        @Option(names = "--csv", required = true, description = "Print every figure as a CSV header and one row on standard output "
                + "(progress and summary go to standard error).")
        boolean csv;
    }

    @Option(names = "--histogram", paramLabel = "<file>", description = "Also write the measured latencies (nanoseconds) "
            + "as an HdrHistogram log to this file.")
    Path histogram;

    @Option(names = "--protocol", paramLabel = "<echo|resp>", description = "echo: length-prefixed echo frames; "
            + "resp: Redis commands, a SET of the payload then a GET of it on keys of each connection's own, "
            + "every reply checked (default: ${DEFAULT-VALUE}).")
    String protocol = "echo";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LoadSpec load;
        try {
            load = new LoadSpec(host, port, connections, depth, payload, rate, warmup, duration,
                    Math.min(threads, connections), maxRequests, drain, Duration.ofSeconds(5), LoadProtocol.named(protocol));
        } catch (IllegalArgumentException e) {
            err.println("load: " + e.getMessage());
            return USAGE;
        }
        // With --json or --csv, standard output carries only that, so it can be piped to a parser;
        // the lines for a person go to standard error.
        boolean machine = format != null;
        PrintWriter human = machine ? err : out;
        human.println("load: " + load);
        LoadResult result = LoadGenerator.run(load, progress -> human.println(progress.line()));
        human.println(result.summary());
        if (machine) {
            LoadFigures figures = LoadFigures.of(result);
            out.print(format.json ? figures.json() + System.lineSeparator() : figures.csv());
            out.flush();
        }
        if (histogram != null) {
            try {
                writeHistogramLog(result, histogram);
                human.println("latency histogram (HdrHistogram log, nanoseconds): " + histogram);
            } catch (IOException e) {
                err.println("load: cannot write --histogram " + histogram + ": " + e.getMessage());
                return FAILED;
            }
        }
        if (!result.ok()) {
            err.println("load: FAILED: " + result.firstError());
            return FAILED;
        }
        return 0;
    }

    /**
     * Writes the measured latencies as an HdrHistogram log ({@link HistogramLogWriter}): one interval
     * covering the measured time, values in nanoseconds, readable by HistogramLogReader,
     * HistogramLogProcessor and HistogramLogAnalyzer.
     */
    static void writeHistogramLog(LoadResult result, Path file) throws IOException {
        Histogram h = result.latency().copy();
        long endMillis = System.currentTimeMillis();
        h.setStartTimeStamp(endMillis - result.measured().toMillis());
        h.setEndTimeStamp(endMillis);
        try (PrintStream stream = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            HistogramLogWriter log = new HistogramLogWriter(stream);
            log.outputComment("./workbench load: " + result.spec() + "; latencies in nanoseconds");
            log.outputLogFormatVersion();
            log.setBaseTime(h.getStartTimeStamp());
            log.outputBaseTime(h.getStartTimeStamp());
            log.outputStartTime(h.getStartTimeStamp());
            log.outputLegend();
            log.outputIntervalHistogram(h);
            stream.flush();
            if (stream.checkError()) {
                throw new IOException("write failed");
            }
        }
    }

    /** Runs on its own: {@code java ... LoadCommand --port 7000}. */
    public static void main(String[] args) {
        System.exit(Cli.conventions(new CommandLine(new LoadCommand())).execute(args));
    }
}
