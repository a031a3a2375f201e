package dev.reactorworkbench.servercore.trace;

import dev.reactorworkbench.echoprotocol.server.Handler;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TraceTest {

    @Test
    @DisplayName("with no recording the events are off: a span is never begun")
    void offByDefault() {
        assertThat(Trace.beginRead()).isNull();
        assertThat(Trace.beginWait()).isNull();
        Trace.end(null, 1, 2, 3, 4, "nothing"); // must not throw
        assertThat(Trace.handle(Handler.ofBytes(frame -> frame), new byte[]{7}, 1, 1)).containsExactly(7);
    }

    @Test
    @DisplayName("a recording that enables the events gets every field, on the thread that emitted them")
    void recorded(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("trace.jfr");
        try (Recording recording = new Recording()) {
            for (String step : Trace.STEPS) {
                recording.enable(Trace.PREFIX + step).withoutThreshold();
            }
            recording.start();
            Trace.Step read = Trace.beginRead();
            Trace.end(read, 40_001, 0, 68, 0, null);
            Trace.handle(Handler.ofBytes(frame -> frame), new byte[64], 40_001, 3);
            Trace.handOff(40_001, 3, 1, "worker-*");
            Trace.wakeup("reactor");
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertThat(events).extracting(e -> e.getEventType().getName()).containsExactly(
                "reactorworkbench.Read", "reactorworkbench.Handle", "reactorworkbench.HandOff", "reactorworkbench.Wakeup");
        RecordedEvent read = events.get(0);
        assertThat(read.getLong("connection")).isEqualTo(40_001);
        assertThat(read.getLong("bytes")).isEqualTo(68);
        RecordedEvent handle = events.get(1);
        assertThat(handle.getLong("request")).isEqualTo(3);
        assertThat(handle.getThread().getJavaName()).isEqualTo(Thread.currentThread().getName());
        assertThat(events.get(2).getString("what")).isEqualTo("worker-*");
        assertThat(events.get(3).getString("what")).isEqualTo("reactor");
    }
}
