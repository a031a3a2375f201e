package dev.reactorworkbench.comparisonbench.timeline;

import dev.reactorworkbench.launcher.Converters;
import dev.reactorworkbench.launcher.Launcher;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./workbench timeline MODEL}: what each thread of a running model did, recorded with JDK
 * Flight Recorder and drawn as a timeline ({@code target/timeline/MODEL.html}, {@code .svg},
 * {@code .json}); {@code --all} does every model and an index page that stacks them.
 */
@Command(name = "timeline", sortOptions = false,
        description = {"Run a model in this JVM under a short closed-loop load with its JDK Flight Recorder events on, "
                + "and draw what each of its threads did: one lane per thread, a coloured span per step (wait, accept, "
                + "read, decode, handle, hand-off, write, wakeup, fan-out, spin), arrows along one request, a few "
                + "milliseconds from the steady state; beneath it each thread's share of time per step and the counts.",
                "Writes <out>/MODEL.html (self-contained), MODEL.svg and MODEL.json; with --all one of each per model "
                        + "and index.html, every model at the same scale."})
public final class TimelineCommand implements Callable<Integer> {

    private final PrintStream out;
    private final PrintStream err;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "The model to draw (see ./workbench models).")
    String model;

    @Option(names = "--all", description = "Draw every model on the class path, and an index page.")
    boolean all;

    @Option(names = "--threads", paramLabel = "<n>", description = "The model's threads, as serve --threads; 0: its "
            + "default for this machine (default: ${DEFAULT-VALUE}).")
    int threads = TimelineSpec.defaults().threads();

    @Option(names = "--connections", paramLabel = "<n>", description = "TCP connections (default: ${DEFAULT-VALUE}).")
    int connections = TimelineSpec.defaults().connections();

    @Option(names = "--depth", paramLabel = "<n>", description = "Requests in flight per connection (default: ${DEFAULT-VALUE}).")
    int depth = TimelineSpec.defaults().depth();

    @Option(names = "--payload", paramLabel = "<bytes>", description = "Payload bytes per request (default: ${DEFAULT-VALUE}).")
    int payload = TimelineSpec.defaults().payload();

    @Option(names = "--work", paramLabel = "<us>", description = "CPU microseconds the handler burns per message "
            + "(default: ${DEFAULT-VALUE}).")
    long work = TimelineSpec.defaults().workMicros();

    @Option(names = "--duration", paramLabel = "<time>", converter = Converters.DurationConverter.class,
            description = "How long the load runs, 50ms to 1m (default: 300ms).")
    Duration duration = TimelineSpec.defaults().duration();

    @Option(names = "--window", paramLabel = "<time>", converter = Converters.DurationConverter.class,
            description = "How much of the steady state to draw, up to half of --duration (default: 2ms).")
    Duration window = TimelineSpec.defaults().window();

    @Option(names = "--out", paramLabel = "<dir>", description = "Where the files go (default: ${DEFAULT-VALUE}).")
    Path dir = Path.of("target", "timeline");

    public TimelineCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (all == (model != null)) {
            err.println("timeline: name one MODEL, or --all (not both); see ./workbench models");
            return Launcher.USAGE;
        }
        TimelineSpec spec;
        try {
            spec = new TimelineSpec(threads, connections, depth, payload, work, duration, window);
        } catch (IllegalArgumentException e) {
            err.println("timeline: " + e.getMessage());
            return Launcher.USAGE;
        }
        List<ServerModel> models = ServerModel.discover();
        List<ServerModel> chosen = new ArrayList<>();
        if (all) {
            chosen.addAll(models);
        } else {
            Optional<ServerModel> found = models.stream().filter(m -> m.name().equals(model)).findFirst();
            if (found.isEmpty()) {
                err.println("timeline: unknown model '" + model + "'; choose one of: "
                        + String.join(", ", models.stream().map(ServerModel::name).toList()));
                return Launcher.USAGE;
            }
            chosen.add(found.get());
        }
        try {
            List<Timeline> timelines = new ArrayList<>();
            for (ServerModel m : chosen) {
                Timeline t = TimelineRecorder.record(m, spec);
                TimelinePages.write(t, dir);
                timelines.add(t);
                out.println(m.name() + ": " + t.spans().size() + " events on " + t.threads().size() + " threads -> "
                        + dir.resolve(m.name() + ".html"));
            }
            if (all) {
                TimelinePages.writeIndex(timelines, dir);
                out.println("index: " + dir.resolve("index.html"));
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("timeline: " + e.getMessage());
            return 1;
        }
    }
}
