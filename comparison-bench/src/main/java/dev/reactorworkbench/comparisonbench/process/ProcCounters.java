package dev.reactorworkbench.comparisonbench.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the kernel counts for one process, read from {@code /proc}: the cost of a server (or of the
 * load generator) measured the same way for every server, Netty included, with no help from the
 * process itself.
 *
 * <ul>
 *   <li>CPU: {@code utime + stime} of {@code /proc/PID/stat}, in clock ticks ({@code getconf
 *       CLK_TCK}, 100 on Linux): the whole thread group, threads that have ended included.</li>
 *   <li>System calls: {@code syscr} and {@code syscw} of {@code /proc/PID/io}: the calls that go
 *       through the kernel's file read and write paths ({@code read}, {@code readv},
 *       {@code pread}, {@code write}, {@code writev}, ...) of the whole thread group, ended
 *       threads included. NOTE: the socket calls {@code recv}/{@code recvfrom}/{@code recvmsg}
 *       and {@code send}/{@code sendto}/{@code sendmsg}, and io_uring's operations, are not
 *       counted there: the JDK's NIO reads and writes sockets with {@code read}/{@code write}
 *       and is counted, Netty's epoll transport reads with {@code recvfrom} (its reads show 0)
 *       and io_uring shows 0 for both. A 0 means "not through these calls", not "free".</li>
 *   <li>Context switches: {@code voluntary_ctxt_switches + nonvoluntary_ctxt_switches} of
 *       {@code /proc/PID/task/TID/status}, per thread. NOTE: the kernel keeps the switches of
 *       ended threads only in the process's rusage, which {@code /proc} does not show
 *       ({@code /proc/PID/status} has the main thread's own counts, not the sum), so a thread that
 *       ends between two samples takes its switches with it. {@link #between} counts, per thread
 *       alive at the end, what it did since the start (a thread born in between counts from 0),
 *       and reports how many threads of the start were gone at the end
 *       ({@link Delta#threadsEnded()}), so a loss is visible, never silent. A server under steady
 *       load starts no threads and ends none.</li>
 * </ul>
 *
 * @param cpuTicks          utime + stime, clock ticks
 * @param readCalls         syscr
 * @param writeCalls        syscw
 * @param switchesByThread  voluntary + involuntary context switches by thread id (live threads)
 */
public record ProcCounters(long cpuTicks, long readCalls, long writeCalls, Map<Long, Long> switchesByThread) {

    /** Clock ticks per second of {@code utime}/{@code stime}. */
    public static final long TICKS_PER_SECOND = clockTicks();

    public ProcCounters {
        switchesByThread = Map.copyOf(switchesByThread);
    }

    /** The counters of process {@code pid} now. */
    public static ProcCounters of(long pid) throws IOException {
        return read(Path.of("/proc"), pid);
    }

    /** The counters of this JVM's own process. */
    public static ProcCounters self() throws IOException {
        return of(ProcessHandle.current().pid());
    }

    /** The counters of {@code pid} under {@code procRoot} (a stand-in tree in the unit test). */
    static ProcCounters read(Path procRoot, long pid) throws IOException {
        Path dir = procRoot.resolve(Long.toString(pid));
        long cpu = cpuTicks(Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII));
        Map<String, Long> io = fields(Files.readString(dir.resolve("io"), StandardCharsets.US_ASCII));
        Map<Long, Long> switches = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(dir.resolve("task"))) {
            for (Path task : tasks) {
                try {
                    Map<String, Long> status = fields(Files.readString(task.resolve("status"), StandardCharsets.UTF_8));
                    switches.put(Long.parseLong(task.getFileName().toString()),
                            status.getOrDefault("voluntary_ctxt_switches", 0L)
                                    + status.getOrDefault("nonvoluntary_ctxt_switches", 0L));
                } catch (NoSuchFileException ended) {
                    // the thread ended between listing and reading: it is one of the lost ones
                }
            }
        }
        return new ProcCounters(cpu, require(io, "syscr"), require(io, "syscw"), switches);
    }

    /** The change from {@code start} to {@code end}, see {@link Delta}. */
    public static Delta between(ProcCounters start, ProcCounters end) {
        long switches = 0;
        for (Map.Entry<Long, Long> e : end.switchesByThread.entrySet()) {
            switches += e.getValue() - start.switchesByThread.getOrDefault(e.getKey(), 0L);
        }
        int ended = (int) start.switchesByThread.keySet().stream().filter(t -> !end.switchesByThread.containsKey(t)).count();
        long cpuNanos = (end.cpuTicks - start.cpuTicks) * TimeUnit.SECONDS.toNanos(1) / TICKS_PER_SECOND;
        return new Delta(cpuNanos, end.readCalls - start.readCalls, end.writeCalls - start.writeCalls, switches, ended);
    }

    /**
     * What a process did between two samples.
     *
     * @param threadsEnded threads alive at the start and gone at the end: their context switches in
     *                     between are not in {@code contextSwitches}
     */
    public record Delta(long cpuNanos, long readCalls, long writeCalls, long contextSwitches, int threadsEnded) {

        /** CPU microseconds per message. */
        public double cpuMicrosPer(long messages) {
            return cpuNanos / 1e3 / messages;
        }

        public double readsPer(long messages) {
            return (double) readCalls / messages;
        }

        public double writesPer(long messages) {
            return (double) writeCalls / messages;
        }

        public double switchesPer(long messages) {
            return (double) contextSwitches / messages;
        }
    }

    /** {@code utime + stime} of a {@code stat} line; the command name may hold spaces and parentheses. */
    static long cpuTicks(String stat) {
        // 1. Skip "pid (comm) ": comm ends at the last ')'.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // 2. f[0] is field 3 (state), so utime (field 14) is f[11] and stime (field 15) f[12].
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** "name: value ..." lines (io, status) as name -> first number; lines without one are skipped. */
    static Map<String, Long> fields(String text) {
        Map<String, Long> m = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String value = line.substring(colon + 1).trim().split("\\s+")[0];
            if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                m.put(line.substring(0, colon).trim(), Long.parseLong(value));
            }
        }
        return m;
    }

    private static long require(Map<String, Long> fields, String name) throws IOException {
        Long v = fields.get(name);
        if (v == null) {
            throw new IOException("no '" + name + "' in /proc/PID/io (a kernel without task I/O accounting?)");
        }
        return v;
    }

    /** {@code getconf CLK_TCK}; 100, the value Linux has used for user space everywhere, if it cannot run. */
    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("\\d+")) {
                return Long.parseLong(out);
            }
        } catch (IOException e) {
            // no getconf: fall back below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
