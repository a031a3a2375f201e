package dev.reactorworkbench.conformancekit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The threads alive in this JVM, virtual ones included, so the kit can check that {@code close()}
 * ended every thread the server started.
 *
 * <p>{@link Thread#getAllStackTraces()} lists platform threads only, so this reads the JDK's JSON
 * thread dump ({@link HotSpotDiagnosticMXBean#dumpThreads}), which lists virtual threads too
 * (the JDK tracks every thread by default, {@code jdk.trackAllThreads=true}).
 *
 * <p>Threads are told apart by id, so an unnamed thread still counts. {@link #startedSince}
 * ignores threads the model did not start (see {@link #IGNORED} for the list and why).
 */
public final class LiveThreads {

    /**
     * Threads that can appear during a test without the model having started them. Everything
     * else that appears and is still alive after {@code close()} belongs to the server.
     * <ul>
     *   <li>{@code kit-*}: the kit's own client threads ({@link ClientTask}).</li>
     *   <li>{@code ForkJoinPool-N-worker-N}: carrier threads of the default virtual-thread
     *       scheduler; they outlive the virtual threads they carried and the JDK retires them
     *       after a while. {@code ForkJoinPool-N-delayScheduler} (JDK 25): that scheduler's timer
     *       for sleeping and timed-out virtual threads. {@code ForkJoinPool.commonPool-*}: the
     *       common pool's workers and timer.</li>
     *   <li>{@code Read-Poller}, {@code Write-Poller} (JDK 21), {@code MasterPoller},
     *       {@code SubPoller-N} (later JDKs), {@code VirtualThread-unparker},
     *       {@code VirtualThread-unblocker}: the JDK's machinery that parks and wakes virtual
     *       threads blocked on sockets and timers, started on first use and kept for the JVM's life.</li>
     *   <li>{@code Common-Cleaner}, {@code Attach Listener}, {@code Signal Dispatcher},
     *       {@code Finalizer}, {@code Reference Handler}, {@code Notification Thread},
     *       {@code Service Thread}, {@code Monitor Deflation Thread}, compiler threads,
     *       {@code process reaper}: JVM housekeeping.</li>
     *   <li>{@code surefire-forkedjvm-*}: the Surefire test JVM's own threads;
     *       {@code junit-jupiter-timeout-watcher}: the thread behind {@code @Timeout}.</li>
     *   <li>{@code RMI *}, {@code JMX *}, {@code GC Daemon}: a JMX console attached to the test JVM.</li>
     * </ul>
     */
    public static final List<Pattern> IGNORED = List.of(
            Pattern.compile("kit-.*"),
            Pattern.compile("ForkJoinPool(-\\d+|\\.commonPool)-(worker-\\d+|delayScheduler)"),
            Pattern.compile("(Read|Write)-Poller(-\\d+)?"),
            Pattern.compile("MasterPoller"),
            Pattern.compile("SubPoller-\\d+"),
            Pattern.compile("VirtualThread-(unparker|unblocker)"),
            Pattern.compile("Common-Cleaner|Attach Listener|Signal Dispatcher|Finalizer|Reference Handler"),
            Pattern.compile("Notification Thread|Service Thread|Monitor Deflation Thread|Sweeper thread"),
            Pattern.compile("C[12] CompilerThread\\d+|process reaper"),
            Pattern.compile("surefire-forkedjvm-.*"),
            Pattern.compile("junit-jupiter-timeout-watcher"),
            Pattern.compile("RMI .*|JMX .*|GC Daemon"));

    /** One live thread. */
    public record LiveThread(long id, String name, boolean virtual) {
        @Override
        public String toString() {
            return (name.isEmpty() ? "<unnamed>" : "\"" + name + "\"") + (virtual ? " (virtual" : " (platform")
                    + ", id " + id + ")";
        }
    }

    /** The parts of the JDK's JSON thread dump this class reads; everything else is ignored. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Dump(@JsonProperty("threadDump") Body body) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Body(@JsonProperty("threadContainers") List<Container> containers) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Container(List<DumpedThread> threads) {
    }

    /** {@code tid} is a string in the JDK's dump; {@code virtual} appears (JDK 25) only when true. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record DumpedThread(long tid, String name, boolean virtual) {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(MapperFeature.ALLOW_COERCION_OF_SCALARS);

    private LiveThreads() {
    }

    /** Every live thread, platform and virtual, by thread id. */
    public static Map<Long, LiveThread> snapshot() {
        try {
            Path dir = Files.createTempDirectory("kit-threads");
            Path file = dir.resolve("threads.json"); // dumpThreads refuses a file that exists
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toAbsolutePath().toString(), ThreadDumpFormat.JSON);
                return parse(Files.readString(file));
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take a thread dump", e);
        }
    }

    /**
     * Threads alive now that were not alive in {@code before} and that the model must have started
     * (everything but {@link #IGNORED}).
     */
    public static List<LiveThread> startedSince(Map<Long, LiveThread> before) {
        List<LiveThread> started = new ArrayList<>();
        for (LiveThread t : snapshot().values()) {
            if (!before.containsKey(t.id()) && !isIgnored(t.name())) {
                started.add(t);
            }
        }
        return started;
    }

    public static boolean isIgnored(String name) {
        return IGNORED.stream().anyMatch(p -> p.matcher(name).matches());
    }

    /** Reads the threads out of the JSON dump, container by container. */
    static Map<Long, LiveThread> parse(String json) {
        Dump dump;
        try {
            dump = JSON.readValue(json, Dump.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JDK JSON thread dump: " + e.getOriginalMessage(), e);
        }
        Map<Long, LiveThread> threads = new LinkedHashMap<>();
        if (dump.body() == null || dump.body().containers() == null) {
            return threads;
        }
        for (Container container : dump.body().containers()) {
            for (DumpedThread t : container.threads() == null ? List.<DumpedThread>of() : container.threads()) {
                threads.put(t.tid(), new LiveThread(t.tid(), t.name() == null ? "" : t.name(), t.virtual()));
            }
        }
        return threads;
    }
}
