package dev.reactorworkbench.servercore.lifecycle;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptFailuresTest {

    private static final IOException EMFILE = new IOException("Too many open files");

    /** Keeps every message logged, so a test can count them. */
    static final class RecordingLogger implements System.Logger {
        final List<String> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(format);
        }

        @Override
        public void log(Level level, Supplier<String> msgSupplier) {
            lines.add(msgSupplier.get());
        }
    }

    @Test
    @DisplayName("pauses start at 10 ms, double on each failure in a row, and stop growing at 1 s")
    void backOff() {
        AcceptFailures failures = new AcceptFailures("test", new RecordingLogger());
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pauses.add(failures.failed(EMFILE).toMillis());
        }
        assertThat(pauses).containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1000L, 1000L, 1000L);
    }

    @Test
    @DisplayName("an episode logs one line when it starts and one when it ends, with the count")
    void logsOncePerEpisode() {
        RecordingLogger log = new RecordingLogger();
        AcceptFailures failures = new AcceptFailures("reactor 127.0.0.1:7000", log);
        for (int i = 0; i < 500; i++) {
            failures.failed(EMFILE);
        }
        assertThat(log.lines).hasSize(1);
        assertThat(log.lines.get(0)).contains("reactor 127.0.0.1:7000", "Too many open files", "out of file descriptors");
        assertThat(failures.failuresInEpisode()).isEqualTo(500);

        failures.accepted();
        failures.accepted(); // no episode open: nothing more to say
        assertThat(log.lines).hasSize(2);
        assertThat(log.lines.get(1)).contains("accepting again after 500 failed accepts");
        assertThat(failures.failuresInEpisode()).isZero();
    }

    @Test
    @DisplayName("after an episode ends, the next failure pauses 10 ms again and opens a new episode")
    void resetsAfterSuccess() {
        RecordingLogger log = new RecordingLogger();
        AcceptFailures failures = new AcceptFailures("test", log);
        failures.failed(EMFILE);
        failures.failed(EMFILE);
        failures.accepted();
        assertThat(failures.failed(EMFILE)).isEqualTo(Duration.ofMillis(10));
        assertThat(log.lines).hasSize(3);
    }

    @Test
    @DisplayName("EMFILE and ENFILE are recognised as running out of descriptors; other failures are not")
    void outOfDescriptors() {
        assertThat(AcceptFailures.outOfDescriptors(new IOException("Too many open files"))).isTrue();
        assertThat(AcceptFailures.outOfDescriptors(new IOException("Too many open files in system"))).isTrue();
        assertThat(AcceptFailures.outOfDescriptors(new IOException("Connection reset by peer"))).isFalse();
        assertThat(AcceptFailures.outOfDescriptors(new IOException((String) null))).isFalse();
    }
}
