package dev.reactorworkbench.comparisonbench.redis;

import dev.reactorworkbench.echoprotocol.codec.RespCodec;
import dev.reactorworkbench.launcher.Launcher;
import dev.reactorworkbench.echoprotocol.resp.KeyspaceHandler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./workbench redis-benchmark MODEL [redis-benchmark args]}: starts the model with
 * {@code --codec resp} on an ephemeral port of 127.0.0.1, runs the real {@code redis-benchmark}
 * against it, then against a real {@code redis-server} (started on an ephemeral port with no
 * persistence, stopped after) with the same arguments, and prints the two results side by side.
 *
 * <p>NOTE: the model runs in this JVM, redis-benchmark and redis-server in processes of their own;
 * on a small machine they all share its cores, so the figures compare the two servers under the
 * same client, they are not capacities.
 */
@Command(name = "redis-benchmark", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run the real redis-benchmark against a model (--codec resp) and then against a real redis-server,",
                "with the same arguments, and print the results side by side.",
                "Everything after MODEL goes to redis-benchmark (its -h/-p are set here)."},
        footer = {"", "Examples:",
                "  ./workbench redis-benchmark single-thread-reactor -t set,get -n 200000 -c 50",
                "  ./workbench redis-benchmark redis6-io-threads -t set,get -n 200000 -c 50 -P 16",
                "  ./workbench redis-benchmark multi-reactor -n 500000 -c 50 INCR counter"})
public final class RedisBenchmarkCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A name from ./workbench models.")
    String model;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "redis-benchmark's arguments, e.g. -t set,get -n 200000 -c 50.")
    List<String> args = new ArrayList<>();

    private final PrintStream out;
    private final PrintStream err;

    public RedisBenchmarkCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** One test's figures from redis-benchmark's CSV: requests per second and latencies in ms. */
    record Result(String test, double rps, double p50, double p99) {
    }

    @Override
    public Integer call() {
        // 1. The tools and the model must exist; a missing redis-server only drops its column.
        Optional<Path> benchmark = RedisBinaries.find("redis-benchmark");
        if (benchmark.isEmpty()) {
            err.println("workbench redis-benchmark: " + RedisBinaries.missing("redis-benchmark"));
            return 1;
        }
        ServerModel serverModel;
        try {
            serverModel = ServerModel.named(model);
        } catch (IllegalArgumentException e) {
            err.println("workbench redis-benchmark: " + e.getMessage());
            return Launcher.USAGE;
        }
        try {
            // 2. The model, in this JVM, with the keyspace its threading calls for.
            Map<String, Result> ours;
            ServerConfig config = ServerConfig.builder().host("127.0.0.1").port(0).codec(RespCodec.INSTANCE)
                    .handler(KeyspaceHandler.forModel(serverModel, 0)).build();
            try (RunningServer server = serverModel.start(config)) {
                out.println("redis-benchmark against " + serverModel.name() + " (port " + server.port() + ") ...");
                ours = run(benchmark.get(), server.port());
            }
            if (ours == null) {
                return 1;
            }
            // 3. Real Redis with the same arguments, if it is installed.
            Map<String, Result> theirs = null;
            if (RedisBinaries.find("redis-server").isEmpty()) {
                err.println("workbench redis-benchmark: " + RedisBinaries.missing("redis-server") + "; showing the model alone");
            } else {
                try (RealRedis redis = RealRedis.start(1)) {
                    out.println("redis-benchmark against " + redis + " ...");
                    theirs = run(benchmark.get(), redis.port());
                }
                if (theirs == null) {
                    return 1;
                }
            }
            // 4. Side by side.
            out.println();
            out.print(table(serverModel.name(), ours, theirs));
            return 0;
        } catch (IOException e) {
            err.println("workbench redis-benchmark: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("workbench redis-benchmark: interrupted");
            return 1;
        }
    }

    /** Runs redis-benchmark with the user's arguments and {@code --csv}; null (after saying why) on failure. */
    private Map<String, Result> run(Path binary, int port) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(args);
        // Last, so they win over anything in args: the server we started, and output we can read.
        command.addAll(List.of("-h", "127.0.0.1", "-p", Integer.toString(port), "--csv"));
        Path output = Files.createTempFile("redis-benchmark", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            int code = process.waitFor();
            List<String> lines = Files.readAllLines(output, StandardCharsets.ISO_8859_1);
            Map<String, Result> results = parseCsv(lines);
            List<String> other = lines.stream().filter(l -> !l.startsWith("\"") && !l.isBlank()).toList();
            other.forEach(l -> err.println("  redis-benchmark: " + l));
            if (code != 0 || results.isEmpty() || other.stream().anyMatch(l -> l.contains("Error"))) {
                err.println("workbench redis-benchmark: redis-benchmark failed (exit code " + code + ") against port " + port);
                return null;
            }
            return results;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The rows of {@code redis-benchmark --csv}, by test name, header skipped. */
    static Map<String, Result> parseCsv(List<String> lines) {
        Map<String, Result> results = new LinkedHashMap<>();
        for (String line : lines) {
            if (!line.startsWith("\"") || line.startsWith("\"test\"")) {
                continue;
            }
            String[] cells = line.substring(1, line.length() - 1).split("\",\"");
            if (cells.length < 7) {
                continue;
            }
            results.put(cells[0], new Result(cells[0], Double.parseDouble(cells[1]),
                    Double.parseDouble(cells[4]), Double.parseDouble(cells[6])));
        }
        return results;
    }

    /** The table: one row per test, the model's figures, Redis's, and the ratio of their rps. */
    static String table(String modelName, Map<String, Result> ours, Map<String, Result> theirs) {
        StringBuilder t = new StringBuilder();
        int width = Math.max(4, ours.keySet().stream().mapToInt(String::length).max().orElse(4));
        String rowFormat = "%-" + width + "s  %14s  %14s  %8s  %17s  %17s%n";
        t.append(String.format(Locale.ROOT, rowFormat, "test", "model rps", "redis rps", "ratio",
                "p50 ms model/redis", "p99 ms model/redis"));
        for (Result r : ours.values()) {
            Result other = theirs == null ? null : theirs.get(r.test());
            t.append(String.format(Locale.ROOT, rowFormat, r.test(),
                    String.format(Locale.ROOT, "%,.0f", r.rps()),
                    other == null ? "-" : String.format(Locale.ROOT, "%,.0f", other.rps()),
                    other == null || other.rps() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", r.rps() / other.rps()),
                    String.format(Locale.ROOT, "%.3f / %s", r.p50(), other == null ? "-" : String.format(Locale.ROOT, "%.3f", other.p50())),
                    String.format(Locale.ROOT, "%.3f / %s", r.p99(), other == null ? "-" : String.format(Locale.ROOT, "%.3f", other.p99()))));
        }
        t.append("model = ").append(modelName).append(" (--codec resp)")
                .append(theirs == null ? "; redis-server not run" : "; redis = redis-server --io-threads 1 --save '' --appendonly no")
                .append("; ratio = model rps / redis rps").append(System.lineSeparator());
        return t.toString();
    }
}
