package dev.reactorworkbench.launcher;

import dev.reactorworkbench.echoprotocol.codec.Codec;
import dev.reactorworkbench.echoprotocol.resp.KeyspaceHandler;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.ModelOption;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import dev.reactorworkbench.echoprotocol.server.ServerStats;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The shared entry point: each model's {@code main} is one line,
 * {@code Launcher.run(new SomeModel(), args)}. It parses the common flags and the model's own,
 * starts the server, prints one stats line per second, publishes the stats over JMX, and closes the
 * server gracefully on Ctrl-C.
 */
public final class Launcher {

    /** Exit code for a usage error or a port in use. */
    public static final int USAGE = 2;

    private Launcher() {
    }

    /** Runs until Ctrl-C; exits the JVM with a non-zero code on a usage or start-up error. */
    public static void run(ServerModel model, String... args) {
        int code = execute(model, args, System.out, System.err, new CountDownLatch(1), true);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Parses {@code args}, starts the model and serves until {@code stop} counts down (or, with
     * {@code untilCtrlC}, until the JVM is asked to shut down).
     *
     * @return 0 after a clean close, {@link #USAGE} for bad flags or a port in use, 1 for other start errors
     */
    public static int execute(ServerModel model, String[] args, PrintStream out, PrintStream err,
                              CountDownLatch stop, boolean untilCtrlC) {
        return execute(model, model.name(), args, out, err, stop, untilCtrlC);
    }

    /**
     * As {@link #execute(ServerModel, String[], PrintStream, PrintStream, CountDownLatch, boolean)},
     * with the command a user types to get here ({@code ./workbench serve single-thread-reactor}),
     * which the usage line and the hints name.
     */
    public static int execute(ServerModel model, String commandName, String[] args, PrintStream out, PrintStream err,
                              CountDownLatch stop, boolean untilCtrlC) {
        CommonOptions common = new CommonOptions();
        CommandLine cli = new CommandLine(common);
        CommandSpec spec = cli.getCommandSpec();
        spec.name(commandName);
        // Defaults come from ServerConfig, written in flag syntax (5m, 1MiB), for --help and parsing.
        cli.setDefaultValueProvider(Launcher::defaultValue);
        spec.usageMessage().description(model.description(),
                "Speaks the echo protocol on TCP; Ctrl-C closes it gracefully.");
        Map<String, OptionSpec> modelOptions = new LinkedHashMap<>();
        for (ModelOption option : model.options()) {
            OptionSpec o = OptionSpec.builder("--" + option.name())
                    .paramLabel("<" + option.name() + ">")
                    .type(String.class)
                    .description(option.description() + " (default: " + option.defaultValue() + ")")
                    .build();
            spec.addOption(o);
            modelOptions.put(option.name(), o);
        }
        Cli.conventions(cli);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        CommandLine.ParseResult parsed;
        try {
            parsed = cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            err.println(model.name() + ": " + e.getMessage());
            // A mistyped flag gets the nearest flags, as in every other command.
            List<String> suggestions = Cli.suggestions(e);
            if (!suggestions.isEmpty()) {
                err.println("did you mean " + String.join(" or ", suggestions) + "?");
            }
            err.println("try '" + commandName + " --help'");
            return USAGE;
        }
        if (cli.isUsageHelpRequested()) {
            cli.usage(out);
            return 0;
        }
        if (cli.isVersionHelpRequested()) {
            cli.printVersionHelp(out);
            return 0;
        }

        // 1. Turn the flags into a config; the builder names any field that is out of range.
        ServerConfig config;
        try {
            Codec codec = Codec.named(common.codec);
            ServerConfig.Builder b = ServerConfig.builder()
                    .host(common.host)
                    .port(common.port)
                    .codec(codec)
                    .handler(KeyspaceHandler.forCodec(codec, model, common.workMicros))
                    .threads(common.threads)
                    .maxFrameLength(common.maxFrame)
                    .idleTimeout(common.idleTimeout)
                    .drainTimeout(common.drainTimeout)
                    .maxConnections(common.maxConnections)
                    .backlog(common.backlog)
                    .writeWaterMarks(lowWater(common, parsed), common.highWater);
            modelOptions.forEach((name, o) -> b.option(name, o.getValue()));
            config = b.build();
        } catch (IllegalArgumentException e) {
            err.println(model.name() + ": " + inFlagTerms(e.getMessage(), modelOptions.keySet()));
            return USAGE;
        }

        // 2. Start the server: a port in use is one clear line, not a stack trace.
        RunningServer server;
        try {
            server = model.start(config);
        } catch (BindException e) {
            err.println("port " + config.port() + " is in use; pick another with --port");
            return USAGE;
        } catch (IllegalArgumentException e) {
            err.println(model.name() + ": " + inFlagTerms(e.getMessage(), modelOptions.keySet()));
            return USAGE;
        } catch (UnsupportedOperationException e) {
            // e.g. SO_REUSEPORT missing on this platform: the message says it all, no class name
            err.println(model.name() + ": cannot start: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println(model.name() + ": cannot start: " + e);
            return 1;
        }
        // 3. From here on Ctrl-C closes the server gracefully. The JVM runs the hook and halts as
        //    soon as it returns, so the hook only asks this thread to stop and waits until it has
        //    closed the server and printed the summary: the server is closed once, by one thread,
        //    and the summary is not lost. Registered before "listening" is printed, so a signal
        //    sent as soon as the server is announced still closes it.
        CountDownLatch finished = new CountDownLatch(1); // counted down by this thread once closed and reported
        Thread hook = null;
        if (untilCtrlC) {
            hook = new Thread(() -> stopAndAwait(stop, finished, err, SHUTDOWN_PATIENCE), "shutdown-hook");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        // 4. Publish the stats over JMX, announce the server, print a stats line every second until asked to stop.
        Thread printer = null;
        try (AutoCloseable jmx = server.stats().publish(model.name(), server.port())) {
            out.printf("%s listening on %s:%d with %s; Ctrl-C to stop%n", model.name(), config.host(), server.port(),
                    startupFlags(config));
            if (!common.quiet) {
                printer = Thread.ofPlatform().name("stats-printer").daemon(true)
                        .start(() -> printStats(server.stats(), out));
            }
            stop.await();
            // 5. Close gracefully: stop accepting, flush, close connections, join threads.
            closeQuietly(server, err);
            if (printer != null) {
                printer.interrupt();
                printer.join();
            }
            ServerStats.Snapshot s = server.stats().snapshot();
            out.printf("closed: %,d connections accepted, %,d rejected, %,d messages in, %,d out, %,d protocol errors%n",
                    s.connectionsAccepted(), s.connectionsRejected(), s.messagesIn(), s.messagesOut(), s.protocolErrors());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(server, err);
            return 1;
        } catch (Exception e) {
            err.println(model.name() + ": " + e.getMessage());
            closeQuietly(server, err);
            return 1;
        } finally {
            if (printer != null) {
                printer.interrupt();
            }
            finished.countDown();
            removeQuietly(hook);
        }
    }

    /** How long the shutdown hook waits for the serving thread to close the server before giving up. */
    static final Duration SHUTDOWN_PATIENCE = Duration.ofSeconds(10);

    /**
     * The shutdown hook's work: count {@code stop} down, then wait until the serving thread counts
     * {@code finished} down, at most {@code patience}.
     *
     * @return true if the serving thread finished in time
     */
    static boolean stopAndAwait(CountDownLatch stop, CountDownLatch finished, PrintStream err, Duration patience) {
        stop.countDown();
        try {
            if (finished.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            err.println("the server did not close within " + patience.toSeconds() + " s; exiting anyway");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private static void removeQuietly(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook is running, or has run, and cannot be removed.
        }
    }

    /**
     * The low water mark: as given, or, when only {@code --high-water} was given and it is not
     * above the default low mark, half of it, so lowering one flag does not demand the other.
     */
    static int lowWater(CommonOptions common, CommandLine.ParseResult parsed) {
        if (!parsed.hasMatchedOption("--low-water") && common.lowWater >= common.highWater) {
            return common.highWater / 2;
        }
        return common.lowWater;
    }

    /** Every default of the common flags, read from ServerConfig's builder: the one source. */
    private static final ServerConfig DEFAULTS = ServerConfig.builder().build();

    /** picocli's default for a common flag, in the flag's own syntax; null for flags without one. */
    static String defaultValue(CommandLine.Model.ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        return switch (option.longestName()) {
            case "--host" -> DEFAULTS.host();
            case "--port" -> Integer.toString(DEFAULTS.port());
            case "--codec" -> DEFAULTS.codec().name();
            case "--work" -> Long.toString(DEFAULTS.handler() instanceof EchoHandler echo ? echo.workMicros() : 0);
            case "--max-frame" -> Units.flagSize(DEFAULTS.maxFrameLength());
            case "--idle-timeout" -> Units.flagDuration(DEFAULTS.idleTimeout());
            case "--drain-timeout" -> Units.flagDuration(DEFAULTS.drainTimeout());
            case "--max-connections" -> Integer.toString(DEFAULTS.maxConnections());
            case "--threads" -> Integer.toString(DEFAULTS.threads());
            case "--backlog" -> Integer.toString(DEFAULTS.backlog());
            case "--high-water" -> Units.flagSize(DEFAULTS.writeHighWaterMark());
            case "--low-water" -> Units.flagSize(DEFAULTS.writeLowWaterMark());
            default -> null;
        };
    }

    /**
     * The config as the flags that would give it, for the start-up line: {@code --codec line
     * --idle-timeout 5m --max-frame 1MiB ...}, and the model's own flags that were given.
     */
    public static String startupFlags(ServerConfig config) {
        StringBuilder b = new StringBuilder();
        b.append("--codec ").append(config.codec().name());
        if (config.handler() instanceof EchoHandler echo) {
            b.append(" --work ").append(echo.workMicros());
        } else if (config.handler() instanceof KeyspaceHandler keyspace) {
            b.append(" --work ").append(keyspace.workMicros());
        }
        b.append(" --threads ").append(config.threads())
                .append(" --max-frame ").append(Units.flagSize(config.maxFrameLength()))
                .append(" --idle-timeout ").append(Units.flagDuration(config.idleTimeout()))
                .append(" --drain-timeout ").append(Units.flagDuration(config.drainTimeout()))
                .append(" --max-connections ").append(config.maxConnections())
                .append(" --backlog ").append(config.backlog())
                .append(" --high-water ").append(Units.flagSize(config.writeHighWaterMark()))
                .append(" --low-water ").append(Units.flagSize(config.writeLowWaterMark()));
        config.options().forEach((name, value) -> b.append(" --").append(name).append(' ').append(value));
        return b.toString();
    }

    /**
     * Config fields and model options as the user typed them: "maxFrameLength must be ..." becomes
     * "--max-frame must be ...", "balance must be ..." becomes "--balance must be ...".
     */
    private static final Map<String, String> FLAG_OF_FIELD = Map.ofEntries(
            Map.entry("maxFrameLength", "--max-frame"),
            Map.entry("idleTimeout", "--idle-timeout"),
            Map.entry("drainTimeout", "--drain-timeout"),
            Map.entry("maxConnections", "--max-connections"),
            Map.entry("writeHighWaterMark", "--high-water"),
            Map.entry("writeLowWaterMark", "--low-water"),
            Map.entry("threads", "--threads"),
            Map.entry("backlog", "--backlog"),
            Map.entry("port", "--port"),
            Map.entry("host", "--host"),
            Map.entry("work", "--work"));

    static String inFlagTerms(String message, java.util.Set<String> modelOptions) {
        if (message == null) {
            return "invalid value";
        }
        int space = message.indexOf(' ');
        String first = space < 0 ? message : message.substring(0, space);
        String flag = modelOptions.contains(first) ? "--" + first : FLAG_OF_FIELD.get(first);
        return flag == null ? message : flag + message.substring(first.length());
    }

    private static void closeQuietly(RunningServer server, PrintStream err) {
        try {
            server.close();
        } catch (RuntimeException e) {
            err.println("error while closing: " + e);
        }
    }

    private static void printStats(ServerStats stats, PrintStream out) {
        ServerStats.Snapshot last = stats.snapshot();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            ServerStats.Snapshot now = stats.snapshot();
            out.println(statsLine(last, now));
            last = now;
        }
    }

    /** One line: open connections, msgs/s in and out, MB/s in and out, errors. */
    public static String statsLine(ServerStats.Snapshot a, ServerStats.Snapshot b) {
        double seconds = Math.max(1e-9, (b.atNanos() - a.atNanos()) / 1e9);
        return String.format(Locale.ROOT,
                "conns %,d | in %s, %s | out %s, %s | rejected %,d | protocol errors %,d | idle closed %,d",
                b.connectionsOpen(),
                Units.rate((b.messagesIn() - a.messagesIn()) / seconds),
                Units.megabytesPerSecond((b.bytesIn() - a.bytesIn()) / seconds / 1e6),
                Units.rate((b.messagesOut() - a.messagesOut()) / seconds),
                Units.megabytesPerSecond((b.bytesOut() - a.bytesOut()) / seconds / 1e6),
                b.connectionsRejected(), b.protocolErrors(), b.idleCloses());
    }

    /**
     * The flags every model takes. Their defaults are not written here: {@link #defaultValue} reads
     * them from {@link ServerConfig}'s builder, so a default changes in one place.
     */
    @CommandLine.Command(mixinStandardHelpOptions = true, versionProvider = WorkbenchVersion.class,
            sortOptions = false, abbreviateSynopsis = true)
    static final class CommonOptions {
        @Option(names = "--host", paramLabel = "<addr>", description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", paramLabel = "<port>", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--codec", paramLabel = "<codec>", description = "length-prefixed (uint32 length + payload), line (for nc/telnet), raw (RFC 862) or resp (Redis's protocol, served by a small keyspace: redis-cli and redis-benchmark work) (default: ${DEFAULT-VALUE}).")
        String codec;

        @Option(names = "--work", paramLabel = "<micros>", description = "CPU the handler burns per message (per command with resp), in microseconds (default: ${DEFAULT-VALUE}).")
        long workMicros;

        @Option(names = "--max-frame", paramLabel = "<bytes>", converter = Converters.SizeConverter.class,
                description = "Largest frame or line accepted, e.g. 4096, 64k, 1m; a longer one closes that connection (default: ${DEFAULT-VALUE}).")
        int maxFrame;

        @Option(names = "--idle-timeout", paramLabel = "<duration>", converter = Converters.DurationConverter.class,
                description = "Close connections silent this long, e.g. 500ms, 30s, 5m, 1h; 0 disables (default: ${DEFAULT-VALUE}).")
        Duration idleTimeout;

        @Option(names = "--drain-timeout", paramLabel = "<duration>", converter = Converters.DurationConverter.class,
                description = "On close, wait this long for replies already owed to be written, then close anyway; 0 closes at once (default: ${DEFAULT-VALUE}).")
        Duration drainTimeout;

        @Option(names = "--max-connections", paramLabel = "<n>", description = "Connections beyond this are closed at once and counted (default: ${DEFAULT-VALUE}).")
        int maxConnections;

        @Option(names = "--threads", paramLabel = "<n>", description = "Size of the model's main thread pool; 0 = number of cores. Models without a pool ignore it (default: ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--backlog", paramLabel = "<n>", description = "Listen backlog (default: ${DEFAULT-VALUE}).")
        int backlog;

        @Option(names = "--high-water", paramLabel = "<bytes>", converter = Converters.SizeConverter.class,
                description = "Stop reading a connection owing more reply bytes than this (default: ${DEFAULT-VALUE}).")
        int highWater;

        @Option(names = "--low-water", paramLabel = "<bytes>", converter = Converters.SizeConverter.class,
                description = "Resume reading once it owes this many or fewer (default: ${DEFAULT-VALUE}).")
        int lowWater;

        @Option(names = "--quiet", description = "Do not print the stats line every second.")
        boolean quiet;
    }
}
