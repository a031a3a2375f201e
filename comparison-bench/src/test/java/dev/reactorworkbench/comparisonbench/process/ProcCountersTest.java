package dev.reactorworkbench.comparisonbench.process;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcCountersTest {

    @TempDir
    Path proc;

    /** A stand-in /proc/PID with the given CPU ticks, read/write calls and threads' (voluntary, involuntary) switches. */
    private void process(long pid, long utime, long stime, long syscr, long syscw, Map<Long, long[]> threads) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        // The command name holds a space and a ')', as a thread name may: the parser must skip to the last ')'.
        Files.writeString(dir.resolve("stat"), pid + " (ja va) x) S 1 " + pid + " " + pid + " 0 -1 4194304 100 0 0 0 "
                + utime + " " + stime + " 0 0 20 0 25 0 123 456 789\n");
        Files.writeString(dir.resolve("io"), "rchar: 999\nwchar: 888\nsyscr: " + syscr + "\nsyscw: " + syscw
                + "\nread_bytes: 0\nwrite_bytes: 0\ncancelled_write_bytes: 0\n");
        Path tasks = dir.resolve("task");
        if (Files.exists(tasks)) {
            try (var old = Files.walk(tasks)) {
                old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        for (Map.Entry<Long, long[]> t : threads.entrySet()) {
            Path task = Files.createDirectories(tasks.resolve(Long.toString(t.getKey())));
            Files.writeString(task.resolve("status"), "Name:\tworker\nState:\tS (sleeping)\nThreads:\t9\n"
                    + "voluntary_ctxt_switches:\t" + t.getValue()[0] + "\nnonvoluntary_ctxt_switches:\t" + t.getValue()[1] + "\n");
        }
    }

    @Test
    @DisplayName("reads utime+stime past a command name with spaces and parentheses, syscr/syscw, and every thread's switches")
    void readsTheFields() throws IOException {
        process(42, 150, 50, 1_000, 2_000, Map.of(42L, new long[]{3, 4}, 43L, new long[]{10, 1}));

        ProcCounters c = ProcCounters.read(proc, 42);

        assertThat(c.cpuTicks()).isEqualTo(200);
        assertThat(c.readCalls()).isEqualTo(1_000);
        assertThat(c.writeCalls()).isEqualTo(2_000);
        assertThat(c.switchesByThread()).containsExactlyInAnyOrderEntriesOf(Map.of(42L, 7L, 43L, 11L));
    }

    @Test
    @DisplayName("the delta: CPU in nanoseconds, calls, switches per thread alive at the end, and threads that ended are counted as lost")
    void delta() throws IOException {
        process(7, 100, 100, 10, 20, Map.of(1L, new long[]{5, 5}, 2L, new long[]{1, 0}, 3L, new long[]{50, 50}));
        ProcCounters start = ProcCounters.read(proc, 7);
        // Thread 3 ended, thread 4 was born; thread 1 switched 30 more times, thread 2 twice more.
        process(7, 150, 150, 1_010, 520, Map.of(1L, new long[]{25, 15}, 2L, new long[]{2, 1}, 4L, new long[]{6, 0}));
        ProcCounters end = ProcCounters.read(proc, 7);

        ProcCounters.Delta d = ProcCounters.between(start, end);

        assertThat(d.cpuNanos()).isEqualTo(100 * 1_000_000_000L / ProcCounters.TICKS_PER_SECOND);
        assertThat(d.readCalls()).isEqualTo(1_000);
        assertThat(d.writeCalls()).isEqualTo(500);
        assertThat(d.contextSwitches()).isEqualTo(30 + 2 + 6);
        assertThat(d.threadsEnded()).isEqualTo(1);
        assertThat(d.readsPer(500)).isEqualTo(2.0);
        assertThat(d.writesPer(500)).isEqualTo(1.0);
        assertThat(d.switchesPer(38)).isEqualTo(1.0);
        assertThat(d.cpuMicrosPer(1_000)).isEqualTo(d.cpuNanos() / 1e3 / 1_000);
    }

    @Test
    @DisplayName("a process without I/O accounting is an error that names the field, not a zero")
    void missingIoField() throws IOException {
        process(9, 1, 1, 1, 1, Map.of(9L, new long[]{0, 0}));
        Files.writeString(proc.resolve("9").resolve("io"), "rchar: 1\n");

        assertThatThrownBy(() -> ProcCounters.read(proc, 9)).isInstanceOf(IOException.class).hasMessageContaining("syscr");
    }

    @Test
    @DisplayName("this JVM's real counters grow with the CPU it burns and the threads it has")
    void realCountersOfThisProcess() throws IOException {
        ProcCounters before = ProcCounters.self();
        long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long x = 0;
        while (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart < 300_000_000L) { // 0.3 s of CPU
            x += System.nanoTime() % 7;
        }
        ProcCounters after = ProcCounters.self();

        ProcCounters.Delta d = ProcCounters.between(before, after);
        assertThat(x).isNotNegative();
        // At least the 0.3 s burnt by this thread (to within one clock tick), whatever else the JVM did.
        assertThat(d.cpuNanos()).isGreaterThanOrEqualTo(300_000_000L - 1_000_000_000L / ProcCounters.TICKS_PER_SECOND);
        assertThat(after.switchesByThread()).containsKey(ProcessHandle.current().pid()).hasSizeGreaterThan(1);
    }
}
