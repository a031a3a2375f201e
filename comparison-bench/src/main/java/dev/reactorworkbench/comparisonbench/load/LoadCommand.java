package dev.reactorworkbench.comparisonbench.load;

import dev.reactorworkbench.echoprotocol.launcher.Launcher;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code workbench load}: drives any server that speaks the length-prefixed protocol, prints a
 * progress line every second and a summary at the end. Exits 0 when every reply came back intact,
 * 1 when the run failed (the first error is printed), 2 for bad flags.
 */
@Command(name = "load", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Send length-prefixed echo requests (or, with --protocol resp, Redis SET/GET commands) to a server",
                "and measure throughput and latency.",
                "Every reply is checked byte for byte; a wrong, missing or unexpected reply fails the run.",
                "Without --rate: closed loop (each connection keeps --depth requests in flight).",
                "With --rate: open loop (requests due on a fixed schedule; latency counted from the due time)."},
        footer = {"", "Examples:",
                "  ./workbench load --port 7000 --connections 16 --depth 4 --payload 64 --duration 10s",
                "  ./workbench load --port 7000 --connections 8 --rate 20000 --duration 30s --warmup 5s",
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

    @Option(names = "--rate", paramLabel = "<msg/s>", description = "Open loop: requests per second over all connections; "
            + "0 = closed loop (default: ${DEFAULT-VALUE}).")
    long rate = 0;

    @Option(names = "--duration", paramLabel = "<time>", converter = DurationConverter.class,
            description = "Measured time, e.g. 10s, 500ms, 2m (default: 10s).")
    Duration duration = Duration.ofSeconds(10);

    @Option(names = "--warmup", paramLabel = "<time>", converter = DurationConverter.class,
            description = "Load before measuring; its replies are checked, not counted (default: 2s).")
    Duration warmup = Duration.ofSeconds(2);

    @Option(names = "--threads", paramLabel = "<n>", description = "Client threads, one Selector each (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--drain", paramLabel = "<time>", converter = DurationConverter.class,
            description = "After the measured time, how long to wait for replies still owed (default: 5s).")
    Duration drain = Duration.ofSeconds(5);

    @Option(names = "--max-requests", paramLabel = "<n>", description = "Stop each connection after this many requests; "
            + "0 = no limit (default: ${DEFAULT-VALUE}).")
    long maxRequests = 0;

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
        out.println("load: " + load);
        LoadResult result = LoadGenerator.run(load, progress -> out.println(progress.line()));
        out.println(result.summary());
        if (!result.ok()) {
            err.println("load: FAILED: " + result.firstError());
            return FAILED;
        }
        return 0;
    }

    /** {@code 500ms}, {@code 10s}, {@code 2m}: the launcher's duration grammar; a bare number is seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration d = Launcher.durationOrNull(text);
            if (d == null) {
                throw new CommandLine.TypeConversionException("'" + text + "' is not a time like 500ms, 10s or 2m");
            }
            return d;
        }
    }

    /** Runs on its own: {@code java ... LoadCommand --port 7000}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadCommand()).execute(args));
    }
}
