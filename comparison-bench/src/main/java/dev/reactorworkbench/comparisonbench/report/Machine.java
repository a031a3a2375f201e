package dev.reactorworkbench.comparisonbench.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The description of the machine a run was measured on, kept with its results: without it a
 * number means little. Every value is read, never assumed; what cannot be read says so.
 */
public final class Machine {

    private Machine() {
    }

    /** cores, CPU model, memory, OS, kernel, JDK, {@code java -version}, date, load average. */
    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("memory", memTotal());
        m.put("os", System.getProperty("os.name") + " " + osRelease() + " (" + System.getProperty("os.arch") + ")");
        m.put("kernel", System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version"));
        m.put("javaVersion", javaVersionOutput());
        m.put("loadAverageAtStart", loadAverage());
        return m;
    }

    /** {@code /proc/loadavg}'s three numbers (1, 5, 15 minutes), or the JVM's 1-minute figure. */
    public static String loadAverage() {
        try {
            String[] parts = loadAverageFields();
            return parts[0] + " " + parts[1] + " " + parts[2] + " (1, 5, 15 min)";
        } catch (IOException | RuntimeException e) {
            double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return one < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f (1 min)", one);
        }
    }

    /** The fields of {@code /proc/loadavg}: the 1, 5 and 15-minute load averages first. */
    static String[] loadAverageFields() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> {
                        long kb = Long.parseLong(l.replaceAll("\\D+", ""));
                        return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                    })
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String osRelease() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream()
                    .filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", ""))
                    .findFirst().map(s -> "(" + s + ")").orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    /** What {@code java -version} of the running JDK prints, lines joined with " / ". */
    private static String javaVersionOutput() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try {
            Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return String.join(" / ", out.lines().toList());
        } catch (IOException e) {
            return "unknown: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown: interrupted";
        }
    }
}
