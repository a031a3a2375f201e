package dev.reactorworkbench.comparisonbench;

import dev.reactorworkbench.comparisonbench.report.CompareCommand;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class WorkbenchCompareTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("compare refuses an unknown server by name and lists the ones there are")
    void unknownServer() {
        WorkbenchRun run = WorkbenchRun.of("compare", "--quick", "--servers", "no-such-server");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("unknown server 'no-such-server'").contains("netty-nio");
    }

    @Test
    @DisplayName("compare checks its options before running anything, naming the flag and the form it wants")
    void badOptionsAreRefusedUpFront() {
        WorkbenchRun warmup = WorkbenchRun.of("compare", "--quick", "--warmup", "2xsoon");
        WorkbenchRun forks = WorkbenchRun.of("compare", "--quick", "--forks", "0");
        WorkbenchRun cpus = WorkbenchRun.of("compare", "--quick", "--server-cpus", "first");
        WorkbenchRun jmh = WorkbenchRun.of("compare", "--quick", "--", "-no-such-jmh-option");
        WorkbenchRun protocol = WorkbenchRun.of("compare", "--quick", "--protocol", "http");

        assertThat(warmup.code()).isEqualTo(2);
        assertThat(warmup.err()).contains("--warmup must look like 5 or 5x1s");
        assertThat(forks.err()).contains("--forks must be at least 1");
        assertThat(cpus.err()).contains("--server-cpus must be a CPU list");
        assertThat(jmh.code()).isEqualTo(2);
        assertThat(jmh.err()).contains("JMH does not take the arguments after --");
        assertThat(protocol.code()).isEqualTo(2);
        assertThat(protocol.err()).contains("--protocol must be echo or resp, was 'http'");
        assertThat(warmup.out() + forks.out() + cpus.out() + jmh.out() + protocol.out()).doesNotContain("estimated duration");
    }

    @Test
    @DisplayName("the quiet-machine gate: 0.25 per core; above it a full run is refused unless forced, and forced is recorded")
    void quietMachineGate() {
        assertThat(CompareCommand.loadGate(0.4, 2, true, false)).containsEntry("threshold", 0.5)
                .containsEntry("passed", true).containsEntry("forced", false);
        assertThat(CompareCommand.loadGate(0.6, 2, true, false)).containsEntry("passed", false).containsEntry("forced", false);
        assertThat(CompareCommand.loadGate(0.6, 2, true, true)).containsEntry("passed", false).containsEntry("forced", true);
        assertThat(CompareCommand.loadGate(1.9, 8, true, false)).containsEntry("threshold", 2.0).containsEntry("passed", true);
        assertThat(CompareCommand.loadGate(-1, 2, true, false)).containsEntry("passed", false);
        // --quick is not gated: never "forced".
        assertThat(CompareCommand.loadGate(9.0, 2, false, true)).containsEntry("forced", false).containsEntry("enforced", false);
    }

    @Test
    @DisplayName("report with a missing file says so in one line")
    void reportMissingFile() {
        WorkbenchRun run = WorkbenchRun.of("report", dir.resolve("nope.json").toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("report: no such file");
    }
}
