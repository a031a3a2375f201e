package dev.reactorworkbench.comparisonbench.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Optional CPU pinning of the server and the load generator ({@code --server-cpus},
 * {@code --client-cpus}), with {@code taskset} from util-linux: the server process is started
 * under {@code taskset -c LIST}; the load generator's process pins itself, every thread it has so
 * far ({@code taskset -a -p -c LIST PID}), and the threads it starts later inherit the mask.
 * Empty lists mean unpinned (the default: on 2 cores there is nothing to split).
 *
 * @param serverCpus e.g. {@code 1} or {@code 2-3}; empty for unpinned
 * @param clientCpus e.g. {@code 0}; empty for unpinned
 */
public record Pinning(String serverCpus, String clientCpus) {

    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");
    /** None: the default. */
    public static final Pinning NONE = new Pinning("", "");

    public Pinning {
        serverCpus = serverCpus == null ? "" : serverCpus;
        clientCpus = clientCpus == null ? "" : clientCpus;
        check("--server-cpus", serverCpus);
        check("--client-cpus", clientCpus);
        if (!(serverCpus + clientCpus).isEmpty()) {
            taskset(); // fails now, with the reason, rather than in the middle of a run
        }
    }

    private static void check(String flag, String list) {
        if (!list.isEmpty() && !CPU_LIST.matcher(list).matches()) {
            throw new IllegalArgumentException(flag + " must be a CPU list such as 0 or 1,3 or 2-3, was '" + list + "'");
        }
    }

    /** As the results say it, e.g. {@code server cpus 1, client cpus 0}. */
    public String describe(int cores) {
        if (serverCpus.isEmpty() && clientCpus.isEmpty()) {
            return "none (" + cores + " cores: server and client unpinned)";
        }
        return "server cpus " + (serverCpus.isEmpty() ? "any" : serverCpus) + ", client cpus "
                + (clientCpus.isEmpty() ? "any" : clientCpus) + " (taskset)";
    }

    /** Pins every thread of this process to {@link #clientCpus()}, if set. */
    public void pinThisProcess() throws IOException {
        if (clientCpus.isEmpty()) {
            return;
        }
        Process p = new ProcessBuilder(taskset().toString(), "-a", "-p", "-c", clientCpus,
                Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("taskset could not pin the load generator to cpus " + clientCpus + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pinning", e);
        }
    }

    /** {@code taskset} on the PATH; the exception says it is missing and where to get it. */
    public static Path taskset() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "taskset");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("--server-cpus/--client-cpus need taskset (util-linux, e.g. apt-get install "
                + "util-linux), which is not on the PATH (" + path + ")");
    }

    /** The system properties that carry this pinning into a JMH fork. */
    public List<String> asJvmArgs() {
        return List.of("-Dworkbench.serverCpus=" + serverCpus, "-Dworkbench.clientCpus=" + clientCpus);
    }

    /** The pinning a JMH fork was given ({@link #asJvmArgs()}); none when run by hand. */
    public static Pinning fromSystemProperties() {
        return new Pinning(System.getProperty("workbench.serverCpus", ""), System.getProperty("workbench.clientCpus", ""));
    }
}
