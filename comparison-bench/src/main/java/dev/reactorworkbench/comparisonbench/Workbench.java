package dev.reactorworkbench.comparisonbench;

import dev.reactorworkbench.comparisonbench.load.LoadCommand;
import dev.reactorworkbench.comparisonbench.redis.RedisBenchmarkCommand;
import dev.reactorworkbench.comparisonbench.report.CompareCommand;
import dev.reactorworkbench.comparisonbench.report.ReportCommand;
import dev.reactorworkbench.echoprotocol.launcher.Launcher;
import dev.reactorworkbench.echoprotocol.server.ModelOption;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code ./workbench} command line: lists the models on the class path, serves one of them,
 * drives load against any server ({@link LoadCommand}), and benchmarks them all against Netty
 * ({@link CompareCommand}, {@link ReportCommand}).
 * Models are found with {@link java.util.ServiceLoader}, so a model module only has to be on the
 * class path (a dependency of this module) to appear here.
 */
@Command(name = "workbench",
        sortOptions = false,
        usageHelpAutoWidth = true,
        subcommands = {Workbench.Models.class, Workbench.Serve.class, LoadCommand.class, ReportCommand.class},
        description = "Reactor Workbench: the classic server I/O models, side by side.",
        footer = {"",
                "Examples:",
                "  ./workbench compare --quick          every model vs Netty, a few seconds each; prints the table, writes the report",
                "  ./workbench compare                  the full JMH sweep and the memory scenario (about 25 minutes on 2 cores)",
                "  ./workbench report target/results/results.json --memory target/results/memory.json",
                "  ./workbench models",
                "  ./workbench serve MODEL --codec line --port 7000",
                "  ./workbench serve MODEL --help      all flags of that model, its own included",
                "  ./workbench load --port 7000 --connections 16 --depth 4 --duration 10s",
                "  ./workbench load --port 7000 --rate 20000 --duration 30s   open loop, latency from the schedule"})
public final class Workbench implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stop;
    private final boolean untilCtrlC;
    private final DocsSite docs;
    private final DocsSite.Builder docsBuilder;

    /**
     * @param stop       {@code serve} returns once this counts down
     * @param untilCtrlC also stop {@code serve} when the JVM is asked to shut down (Ctrl-C)
     */
    Workbench(PrintStream out, PrintStream err, CountDownLatch stop, boolean untilCtrlC) {
        // The ./workbench script passes the repository root; run by hand, the current folder is taken.
        this(out, err, stop, untilCtrlC, new DocsSite(Path.of(System.getProperty("workbench.root", "."))), DocsSite::mavenBuild);
    }

    /** For tests: {@code docs} looks at {@code docs} and builds with {@code docsBuilder}. */
    Workbench(PrintStream out, PrintStream err, CountDownLatch stop, boolean untilCtrlC, DocsSite docs,
              DocsSite.Builder docsBuilder) {
        this.out = out;
        this.err = err;
        this.stop = stop;
        this.untilCtrlC = untilCtrlC;
        this.docs = docs;
        this.docsBuilder = docsBuilder;
    }

    public static void main(String[] args) {
        int code = new Workbench(System.out, System.err, new CountDownLatch(1), true).execute(args);
        // NOTE: after Ctrl-C, serve returns 0 while the shutdown hook is running; System.exit()
        // would then block until the hook ends, so exit explicitly only on failure.
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Parses {@code args}, runs the subcommand and returns its exit code (2 for a usage error). */
    int execute(String... args) {
        CommandLine cli = new CommandLine(this);
        cli.addSubcommand("compare", new CommandLine(new CompareCommand(out)));
        cli.addSubcommand("docs", new DocsCommand(docs, docsBuilder, out, err));
        cli.addSubcommand("redis-benchmark", new CommandLine(new RedisBenchmarkCommand(out, err)).setStopAtPositional(true));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        // Everything after the model name belongs to the model, even what looks like a flag.
        cli.getSubcommands().get("serve").setStopAtPositional(true);
        return cli.execute(args);
    }

    /** {@code workbench} alone: say what to type. */
    @Override
    public Integer call() {
        err.println("workbench: name a subcommand");
        spec.commandLine().usage(err);
        return Launcher.USAGE;
    }

    @Command(name = "models", sortOptions = false,
            description = "List the models on the class path, with their model-specific flags.")
    static final class Models implements Callable<Integer> {

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @ParentCommand
        Workbench workbench;

        @Override
        public Integer call() {
            PrintStream out = workbench.out;
            List<ServerModel> models = ServerModel.discover();
            if (models.isEmpty()) {
                out.println("No models on the class path yet: a model module registers its ServerModel in "
                        + "META-INF/services/" + ServerModel.class.getName()
                        + " and becomes a dependency of comparison-bench.");
                return 0;
            }
            for (ServerModel model : models) {
                out.println(model.name());
                out.println("    " + model.description());
                for (ModelOption option : model.options()) {
                    out.printf("    --%-20s %s (default: %s)%n",
                            option.name() + " <" + option.name() + ">", option.description(), option.defaultValue());
                }
                out.println();
            }
            out.println("Run one with ./workbench serve MODEL [flags]; ./workbench serve MODEL --help lists every flag.");
            return 0;
        }
    }

    @Command(name = "serve", sortOptions = false,
            description = {"Run one model until Ctrl-C, printing a stats line every second.",
                    "The flags after MODEL go to the model untouched; ./workbench serve MODEL --help lists them."})
    static final class Serve implements Callable<Integer> {

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Parameters(index = "0", paramLabel = "MODEL", description = "A name from ./workbench models.")
        String model;

        @Parameters(index = "1..*", paramLabel = "FLAGS", description = "The model's flags, e.g. --port 7000 --codec line.")
        List<String> flags = new ArrayList<>();

        @ParentCommand
        Workbench workbench;

        @Override
        public Integer call() {
            List<ServerModel> models = ServerModel.discover();
            Optional<ServerModel> found = models.stream().filter(m -> m.name().equals(model)).findFirst();
            if (found.isEmpty()) {
                workbench.err.println("workbench: unknown model '" + model + "'; "
                        + (models.isEmpty()
                        ? "no models are on the class path yet"
                        : "choose one of: " + String.join(", ", models.stream().map(ServerModel::name).toList())));
                return Launcher.USAGE;
            }
            return Launcher.execute(found.get(), flags.toArray(String[]::new),
                    workbench.out, workbench.err, workbench.stop, workbench.untilCtrlC);
        }
    }
}
