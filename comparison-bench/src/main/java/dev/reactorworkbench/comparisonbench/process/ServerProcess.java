package dev.reactorworkbench.comparisonbench.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server (a model or a Netty reference server) in a JVM of its own, started with exactly the
 * command a user types: {@code ./workbench serve MODEL --port 0 ...}, that is this JVM's
 * {@code java} and class path running the {@code Workbench} main class. The benchmark and the
 * open-loop runs use it, so the process they load holds the server and nothing else, and the
 * kernel's counters of that process ({@link ProcCounters}) are the server's cost.
 *
 * <ol>
 *   <li>start the child, optionally under {@code taskset -c LIST};</li>
 *   <li>learn its port from the line the launcher prints ({@code MODEL listening on HOST:PORT (...)}),
 *       then connect once to be sure it accepts;</li>
 *   <li>{@link #close()}: SIGTERM, which the launcher's shutdown hook turns into a graceful close,
 *       then SIGKILL if it has not exited within {@link #GRACE}. A JVM shutdown hook of this
 *       process does the same if this process ends first, so no server is left behind.</li>
 * </ol>
 */
public final class ServerProcess implements TrialServer {

    /** The main class {@code ./workbench} runs. */
    public static final String WORKBENCH_MAIN = "dev.reactorworkbench.comparisonbench.Workbench";
    /** How long a server may take to print its port. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long a graceful close may take before the process is killed. */
    static final Duration GRACE = Duration.ofSeconds(20);
    private static final Pattern LISTENING = Pattern.compile(" listening on \\S+:(\\d+) ");
    private static final int KEPT_LINES = 40;

    private final String model;
    private final Process process;
    private final int port;
    private final Thread reaper;                      // shutdown hook: kills the child if this JVM ends first
    private final Deque<String> output;               // guarded by itself; written by the reader thread

    private ServerProcess(String model, Process process, int port, Thread reaper, Deque<String> output) {
        this.model = model;
        this.process = process;
        this.port = port;
        this.reaper = reaper;
        this.output = output;
    }

    /**
     * The server's command line: {@code serve MODEL --host 127.0.0.1 --port 0 --quiet} plus
     * {@code flags} (e.g. {@code --threads 2 --work 0}), run by this JVM's {@code java} and class
     * path, under {@code taskset -c cpus} when {@code cpus} is not empty.
     */
    public static List<String> command(String model, List<String> flags, String cpus) {
        List<String> command = new ArrayList<>();
        if (cpus != null && !cpus.isEmpty()) {
            command.addAll(List.of(Pinning.taskset().toString(), "-c", cpus));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The flags ./workbench gives the JVM (quiet Netty native access and JMH's Unsafe), nothing else.
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WORKBENCH_MAIN,
                "serve", model, "--host", "127.0.0.1", "--port", "0", "--quiet"));
        command.addAll(flags);
        return command;
    }

    /** Starts {@code serve model flags...} and returns once it accepts connections. */
    public static ServerProcess start(String model, List<String> flags, String cpus) throws IOException {
        Process process = new ProcessBuilder(command(model, flags, cpus)).redirectErrorStream(true).start();
        Thread reaper = new Thread(() -> kill(process), "server-process-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        Deque<String> output = new ArrayDeque<>();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        // 1. Read every line the server prints (so its pipe never fills), watching for its port.
        Thread.ofPlatform().daemon().name("server-process-output").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.addLast(line);
                        if (output.size() > KEPT_LINES) {
                            output.removeFirst();
                        }
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (!port.isDone() && m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process ended; its exit is seen below
            }
            port.completeExceptionally(new IOException("exited before listening"));
        });
        ServerProcess server = null;
        try {
            int p = port.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            server = new ServerProcess(model, process, p, reaper, output);
            server.awaitAccepting();
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(model + ": interrupted while starting", e);
        } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
            // 2. A failed start leaves nothing running either.
            stop(process, reaper);
            throw new IOException("server process '" + model + "' did not start (" + e.getMessage() + "); it printed: "
                    + String.join(" | ", snapshot(output)), e);
        }
    }

    private void awaitAccepting() throws IOException {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), (int) START_TIMEOUT.toMillis());
        }
    }

    @Override
    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The kernel's counters of the server process now. */
    @Override
    public ProcCounters counters() {
        try {
            return ProcCounters.of(process.pid());
        } catch (IOException e) {
            throw new UncheckedIOException(model + " (pid " + process.pid() + "): cannot read /proc: " + e.getMessage()
                    + (process.isAlive() ? "" : "; the server process has exited: " + lastOutput()), e);
        }
    }

    /**
     * The server's own threads: the process's threads minus the JVM's (GC, JIT compilers, VM and
     * signal threads, reference handling, the launcher's main and hook threads), told apart by the
     * name the JVM gives the kernel (the first 15 characters of the Java thread name).
     * NOTE: virtual threads are not kernel threads and are not counted; their carriers
     * ({@code ForkJoinPool-1-worker-N}) are.
     */
    @Override
    public int serverThreads() {
        int n = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path task : tasks) {
                try {
                    if (!isJvmThread(Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).trim())) {
                        n++;
                    }
                } catch (IOException ended) {
                    // ended while counting
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return n;
    }

    /** The JVM's and the launcher's threads, by exact kernel name ... */
    private static final java.util.Set<String> JVM_THREADS = java.util.Set.of("java", "main", "VM Thread", "Finalizer",
            "Reference Handl", "Signal Dispatch", "Service Thread", "Monitor Deflati", "Common-Cleaner", "Notification Th",
            "Attach Listener", "DestroyJavaVM", "shutdown-hook", "stats-printer", "process reaper", "Sweeper thread",
            "G1 Main Marker", "G1 Service", "VM Periodic Tas");
    /** ... and by prefix, for the numbered ones (GC Thread#0, C2 CompilerThread0, G1 Conc#0, G1 Refine#0, ...). */
    private static final List<String> JVM_THREAD_PREFIXES = List.of("GC Thread#", "C1 CompilerThre", "C2 CompilerThre",
            "G1 Conc#", "G1 Refine#", "JFR ", "RMI ");

    static boolean isJvmThread(String comm) {
        return JVM_THREADS.contains(comm) || JVM_THREAD_PREFIXES.stream().anyMatch(comm::startsWith);
    }

    /** The last lines the server printed, for error messages. */
    @Override
    public String lastOutput() {
        return String.join(" | ", snapshot(output));
    }

    /** Graceful (SIGTERM, the launcher closes the server), then forcible; waits until the process is gone. */
    @Override
    public void close() {
        stop(process, reaper);
    }

    private static void stop(Process process, Thread reaper) {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    kill(process);
                }
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: it kills the process itself
            }
        }
    }

    private static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> snapshot(Deque<String> output) {
        synchronized (output) {
            return List.copyOf(output);
        }
    }
}
