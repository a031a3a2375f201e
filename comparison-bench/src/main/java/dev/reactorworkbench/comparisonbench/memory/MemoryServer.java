package dev.reactorworkbench.comparisonbench.memory;

import dev.reactorworkbench.comparisonbench.jmh.EchoBenchmark;
import dev.reactorworkbench.comparisonbench.jmh.Servers;
import dev.reactorworkbench.echoprotocol.server.RunningServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * The server process of the memory scenario: runs one server and measures itself on request.
 * It speaks a line protocol on stdin/stdout with {@link MemoryScenario}:
 * <pre>
 *   -> READY port          once the server listens
 *   <- measure             collect garbage, then
 *   -> MEASURE heapBytes rssBytes threads openConnections
 *   <- await N             wait (at most 60 s) until the server counts N open connections
 *   -> OPEN n
 *   <- close (or end of input)   close the server and exit
 * </pre>
 * A process of its own, so that what it measures is the server alone: no benchmark, no client,
 * no other model loaded before it.
 */
public final class MemoryServer {

    private MemoryServer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: MemoryServer SERVER MAX_CONNECTIONS");
            System.exit(2);
        }
        int max = Integer.parseInt(args[1]);
        try (RunningServer server = Servers.named(args[0]).start(EchoBenchmark.config(max, 0))) {
            System.out.println("READY " + server.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.trim().split("\\s+");
                switch (words[0]) {
                    case "measure" -> System.out.println("MEASURE " + heapAfterGc() + " " + rssBytes() + " "
                            + ManagementFactory.getThreadMXBean().getThreadCount() + " "
                            + server.stats().getConnectionsOpen());
                    case "await" -> System.out.println("OPEN " + awaitOpen(server, Long.parseLong(words[1])));
                    case "close" -> {
                        return;
                    }
                    default -> System.out.println("ERROR unknown command " + line);
                }
                System.out.flush();
            }
        }
    }

    /** Heap in use after a full collection (twice, so that what the first one freed is gone). */
    static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Resident set size from {@code /proc/self/status} ({@code VmRSS}), or -1 where there is none. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long awaitOpen(RunningServer server, long expected) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (server.stats().getConnectionsOpen() < expected && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000);
        }
        return server.stats().getConnectionsOpen();
    }
}
