package dev.reactorworkbench.comparisonbench.report;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The on/off options of {@code compare} mean what they say (picocli's negatable options toggle a default). */
class CompareOptionsTest {

    private static CompareCommand parse(String... args) {
        CompareCommand command = new CompareCommand(System.out);
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    @DisplayName("--no-open-loop turns the open-loop runs off, --open-loop and the default leave them on")
    void openLoopFlag() {
        assertThat(parse().openLoop).isTrue();
        assertThat(parse("--no-open-loop").openLoop).isFalse();
        assertThat(parse("--open-loop").openLoop).isTrue();
    }

    @Test
    @DisplayName("--memory and --no-memory set the memory scenario; without either the run's kind decides")
    void memoryFlag() {
        assertThat(parse().memory).isNull();
        assertThat(parse("--memory").memory).isTrue();
        assertThat(parse("--no-memory").memory).isFalse();
    }
}
