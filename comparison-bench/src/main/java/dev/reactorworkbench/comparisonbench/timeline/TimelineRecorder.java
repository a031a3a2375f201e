package dev.reactorworkbench.comparisonbench.timeline;

import dev.reactorworkbench.comparisonbench.load.LoadGenerator;
import dev.reactorworkbench.comparisonbench.load.LoadResult;
import dev.reactorworkbench.comparisonbench.load.LoadSpec;
import dev.reactorworkbench.echoprotocol.server.EchoHandler;
import dev.reactorworkbench.echoprotocol.server.RunningServer;
import dev.reactorworkbench.echoprotocol.server.ServerConfig;
import dev.reactorworkbench.echoprotocol.server.ServerModel;
import dev.reactorworkbench.servercore.trace.Trace;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Records one model: starts it in this JVM with its events enabled in a JDK Flight Recorder
 * recording, drives it with the load generator (closed loop), closes it, and reads the events back
 * as {@link Span}s. The load generator's own threads emit no events, so every lane is the model's.
 */
public final class TimelineRecorder {

    private TimelineRecorder() {
    }

    /** Runs {@code model} under {@code spec}'s load with the events on, and works out its timeline. */
    public static Timeline record(ServerModel model, TimelineSpec spec) throws IOException {
        Path file = Files.createTempFile("timeline-" + model.name() + "-", ".jfr");
        try {
            try (Recording recording = new Recording()) {
                recording.setName("timeline " + model.name());
                recording.setToDisk(true);
                for (String step : Trace.STEPS) {
                    // No threshold: a 2 us read is exactly what the timeline is for.
                    recording.enable(Trace.PREFIX + step).withoutThreshold();
                }
                // 1. Record from before the model starts: its threads' first waits and the accepts are in it.
                recording.start();
                // 2. The model, on an ephemeral port, with the load's handler work and thread count.
                ServerConfig config = ServerConfig.builder().port(0).threads(spec.threads())
                        .handler(new EchoHandler(spec.workMicros())).build();
                LoadResult result;
                try (RunningServer server = model.start(config)) {
                    // 3. The load: a closed loop of the given connections and depth for the duration.
                    LoadSpec load = LoadSpec.closedLoop("127.0.0.1", server.address().getPort(), spec.connections(),
                            spec.depth(), spec.payload(), spec.duration());
                    result = LoadGenerator.run(load);
                }
                // 4. Stopping flushes every thread's buffered events into the file.
                recording.stop();
                recording.dump(file);
                if (!result.ok()) {
                    throw new IOException(model.name() + ": the load failed: " + result.firstError());
                }
            }
            return Timeline.of(model.name(), spec, read(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The workbench's events in {@code file}, as spans timed from the earliest one. */
    static List<Span> read(Path file) throws IOException {
        List<RecordedEvent> events = new ArrayList<>();
        try (RecordingFile in = new RecordingFile(file)) {
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                if (e.getEventType().getName().startsWith(Trace.PREFIX) && e.getThread() != null) {
                    events.add(e);
                }
            }
        }
        Instant origin = events.stream().map(RecordedEvent::getStartTime).min(Instant::compareTo).orElse(Instant.EPOCH);
        List<Span> spans = new ArrayList<>(events.size());
        for (RecordedEvent e : events) {
            RecordedThread thread = e.getThread();
            String name = thread.getJavaName() != null ? thread.getJavaName() : thread.getOSName();
            spans.add(new Span(name, e.getEventType().getName().substring(Trace.PREFIX.length()),
                    Duration.between(origin, e.getStartTime()).toNanos(), e.getDuration().toNanos(),
                    e.getLong("connection"), e.getLong("request"), e.getLong("bytes"), e.getInt("count"),
                    e.getString("what")));
        }
        return spans;
    }
}
