package dev.reactorworkbench.comparisonbench;

import dev.reactorworkbench.comparisonbench.load.LoadCommand;
import dev.reactorworkbench.comparisonbench.redis.RedisBenchmarkCommand;
import dev.reactorworkbench.comparisonbench.reference.ReferenceServers;
import dev.reactorworkbench.comparisonbench.report.CompareCommand;
import dev.reactorworkbench.comparisonbench.report.ReportCommand;
import dev.reactorworkbench.comparisonbench.timeline.TimelineCommand;
import dev.reactorworkbench.launcher.Cli;
import dev.reactorworkbench.launcher.Launcher;
import dev.reactorworkbench.launcher.WorkbenchVersion;
import dev.reactorworkbench.echoprotocol.server.ModelOption;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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
@Command(name = "./workbench",
        sortOptions = false,
        mixinStandardHelpOptions = true,
        versionProvider = WorkbenchVersion.class,
        subcommands = {Workbench.Models.class, Workbench.Serve.class, LoadCommand.class, ReportCommand.class},
        description = "Reactor Workbench: the classic server I/O models, side by side.",
        footer = {"",
                "Examples:",
                "  ./workbench compare --quick          every model vs Netty, each in its own process, a few seconds each; prints",
                "                                       msgs/s and the cost per message, writes the report (about 3 minutes)",
                "  ./workbench compare                  the full run: 5 loads x 3 forks, open-loop latency, memory (about 55",
                "                                       minutes on 2 cores; refuses a busy machine unless --force)",
                "  ./workbench report target/results/results.json --memory target/results/memory.json",
                "  ./workbench models                   the models, then the Netty reference servers",
                "  ./workbench serve MODEL --codec line --port 7000",
                "  ./workbench serve netty-nio --port 7000 --threads 2   a reference server, with the common flags",
                "  ./workbench serve MODEL --help      all flags of that model, its own included",
                "  ./workbench load --port 7000 --connections 16 --depth 4 --duration 10s",
                "  ./workbench load --port 7000 --rate 20000 --duration 30s   open loop, latency from the schedule"})
public final class Workbench implements Callable<Integer> {

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
        cli.addSubcommand("timeline", new CommandLine(new TimelineCommand(out, err)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        // Everything after the model name belongs to the model, even what looks like a flag; a flag
        // before the model lands in MODEL, where Serve explains the order instead of "Unknown option".
        CommandLine serve = cli.getSubcommands().get("serve");
        serve.setStopAtPositional(true);
        serve.setUnmatchedOptionsArePositionalParams(true);
        // Every command: --version, help 120 columns wide whatever the terminal.
        Cli.conventions(cli);
        return cli.execute(args);
    }

    /** {@code workbench} alone: say what to type. */
    @Override
    public Integer call() {
        err.println("workbench: name a subcommand");
        spec.commandLine().usage(err);
        return Launcher.USAGE;
    }

    @Command(name = "models", sortOptions = false, mixinStandardHelpOptions = true,
            description = "List the models on the class path, with their model-specific flags, then the Netty reference servers.")
    static final class Models implements Callable<Integer> {

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
            }
            models.forEach(this::print);
            // The Netty servers are yardsticks, not models the workbench teaches: a heading of their own.
            out.println("Reference servers (Netty, for the comparison; length-prefixed only, the common flags):");
            out.println();
            ReferenceServers.all().forEach(this::print);
            ReferenceServers.skipped().forEach(line -> out.println("(" + line + ")"));
            out.println("Run one with ./workbench serve NAME [flags]; ./workbench serve NAME --help lists every flag.");
            return 0;
        }

        private void print(ServerModel model) {
            PrintStream out = workbench.out;
            out.println(model.name());
            out.println("    " + model.description());
            for (ModelOption option : model.options()) {
                out.printf("    --%-20s %s (default: %s)%n",
                        option.name() + " <" + option.name() + ">", option.description(), option.defaultValue());
            }
            out.println();
        }
    }

    @Command(name = "serve", sortOptions = false, mixinStandardHelpOptions = true,
            description = {"Run one model (or a Netty reference server) until Ctrl-C, printing a stats line every second.",
                    "The flags after MODEL go to the model untouched; ./workbench serve MODEL --help lists them."})
    static final class Serve implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "MODEL", description = "A name from ./workbench models: a model or a reference server.")
        String model;

        @Parameters(index = "1..*", paramLabel = "FLAGS", description = "The model's flags, e.g. --port 7000 --codec line.")
        List<String> flags = new ArrayList<>();

        @ParentCommand
        Workbench workbench;

        @Override
        public Integer call() {
            List<ServerModel> models = new ArrayList<>(ServerModel.discover());
            if (model.startsWith("-")) {
                workbench.err.println("workbench serve: flags go after the model, not before: "
                        + reordered(models) + "; ./workbench models lists the models");
                return Launcher.USAGE;
            }
            Optional<ServerModel> found = models.stream().filter(m -> m.name().equals(model)).findFirst();
            if (found.isEmpty() && model.startsWith("netty-")) {
                // A reference server, available here or not (then it says why when it starts).
                try {
                    found = Optional.of(ReferenceServers.named(model));
                } catch (IllegalArgumentException notOne) {
                    models.addAll(ReferenceServers.all());
                }
            } else if (found.isEmpty()) {
                models.addAll(ReferenceServers.all());
            }
            if (found.isEmpty()) {
                workbench.err.println("workbench: unknown model '" + model + "'; "
                        + (models.isEmpty()
                        ? "no models are on the class path yet"
                        : "choose one of: " + String.join(", ", models.stream().map(ServerModel::name).toList())));
                return Launcher.USAGE;
            }
            return Launcher.execute(found.get(), "./workbench serve " + model, flags.toArray(String[]::new),
                    workbench.out, workbench.err, workbench.stop, workbench.untilCtrlC);
        }

        /**
         * The command as it should have been typed: the first model name among the arguments moved
         * in front of the flags ({@code ./workbench serve single-thread-reactor --port 7000}), or
         * {@code MODEL} in front when no argument names a model.
         */
        private String reordered(List<ServerModel> models) {
            List<String> rest = new ArrayList<>();
            rest.add(model);
            rest.addAll(flags);
            List<String> names = models.stream().map(ServerModel::name).toList();
            String first = rest.stream().filter(names::contains).findFirst().orElse(null);
            if (first != null) {
                rest.remove(first);
            }
            return "./workbench serve " + (first == null ? "MODEL" : first) + " " + String.join(" ", rest);
        }
    }
}
