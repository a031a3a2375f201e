package dev.reactorworkbench.comparisonbench.timeline;

import dev.reactorworkbench.servercore.trace.Trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the threads of one model did during a recorded run, worked out from its spans: the threads
 * (one lane each), per thread the count of each step and the time spent in each (a step nested in
 * another, e.g. a Handle inside the Decode that found its frame, counts for the inner one only),
 * the window drawn from the steady state, and one traced request followed from thread to thread.
 */
public final class Timeline {

    private final String model;
    private final TimelineSpec spec;
    private final List<Span> spans;                                   // by start time
    private final List<String> threads;                               // lane order
    private final Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> selfNanos = new LinkedHashMap<>();
    private final Map<Span, Integer> depth = new IdentityHashMap<>(); // how deep each span is nested
    private final long runStart;
    private final long runNanos;
    private final long windowStart;
    private final List<Span> traced;

    private Timeline(String model, TimelineSpec spec, List<Span> recorded) {
        this.model = model;
        this.spec = spec;
        this.spans = recorded.stream().sorted(BY_START).toList();
        this.runStart = spans.isEmpty() ? 0 : spans.getFirst().start();
        this.runNanos = spans.stream().mapToLong(Span::end).max().orElse(0) - runStart;
        Set<String> names = new LinkedHashSet<>();
        spans.forEach(s -> names.add(s.thread()));
        this.threads = names.stream().sorted(LANE_ORDER).toList();
        for (String thread : threads) {
            counts.put(thread, new LinkedHashMap<>());
            selfNanos.put(thread, new LinkedHashMap<>());
        }
        for (Span s : spans) {
            counts.get(s.thread()).merge(s.step(), 1L, Long::sum);
        }
        for (String thread : threads) {
            nest(spans.stream().filter(s -> s.thread().equals(thread) && !s.isInstant()).toList(), selfNanos.get(thread));
        }
        this.windowStart = steadyWindowStart(spec.window().toNanos());
        this.traced = traceOneRequest();
    }

    /** Works out the timeline of {@code model} from the spans recorded during its run. */
    public static Timeline of(String model, TimelineSpec spec, List<Span> spans) {
        return new Timeline(model, spec, spans);
    }

    private static final Comparator<Span> BY_START = Comparator.comparingLong(Span::start)
            .thenComparing(Comparator.comparingLong(Span::duration).reversed());

    /** The thread that hands work out first (the main loop, the main reactor), then by name, numbers in order. */
    private static final Comparator<String> LANE_ORDER = Comparator
            .comparing((String name) -> !name.startsWith("main-"))
            .thenComparing(name -> name.replaceAll("\\d+", ""))
            .thenComparingInt(name -> {
                String digits = name.replaceAll("\\D+", "");
                return digits.isEmpty() || digits.length() > 9 ? -1 : Integer.parseInt(digits);
            });

    /**
     * Self time per step on one thread. Spans of one thread nest (a Decode holds the Handles it
     * called), so each span's time less its children's is its own.
     */
    private void nest(List<Span> threadSpans, Map<String, Long> self) {
        Deque<Span> open = new ArrayDeque<>();
        Map<Span, Long> own = new IdentityHashMap<>();
        for (Span s : threadSpans) {
            while (!open.isEmpty() && open.peek().end() <= s.start()) {
                open.pop();
            }
            own.put(s, s.duration());
            if (!open.isEmpty()) {
                Span parent = open.peek();
                own.merge(parent, -(Math.min(s.end(), parent.end()) - s.start()), Long::sum);
            }
            depth.put(s, open.size());
            open.push(s);
        }
        own.forEach((s, nanos) -> self.merge(s.step(), Math.max(0, nanos), Long::sum));
    }

    /** The window: centred on the middle of the handled requests, where the load is steady. */
    private long steadyWindowStart(long window) {
        List<Span> handles = spans.stream().filter(s -> s.step().equals("Handle")).toList();
        if (handles.isEmpty()) {
            return runStart;
        }
        long first = handles.getFirst().start();
        long last = handles.getLast().end();
        return Math.max(runStart, first + (last - first) / 2 - window / 2);
    }

    /**
     * One request followed from the read that brought it in to the write that sent its reply:
     * among the requests handled inside the window, the one whose path crosses the most threads
     * (the first such, preferring one whose read and write are inside the window too). Its read is the last read of its connection before it was handled, its
     * write the first write of its connection after; hand-offs carry its sequence number.
     */
    private List<Span> traceOneRequest() {
        Map<Long, List<Span>> reads = byConnection("Read");
        Map<Long, List<Span>> writes = byConnection("Write");
        Map<String, List<Span>> handOffs = new HashMap<>();
        for (Span s : spans) {
            if (s.step().equals("HandOff") && s.request() > 0) {
                handOffs.computeIfAbsent(s.connection() + "/" + s.request(), k -> new ArrayList<>()).add(s);
            }
        }
        long windowEnd = windowStart + spec.window().toNanos();
        List<Span> best = List.of();
        int bestScore = 0;
        for (Span handle : spans) {
            if (!handle.step().equals("Handle") || handle.start() < windowStart || handle.end() > windowEnd
                    || handle.connection() == 0) {
                continue;
            }
            Span read = lastAtOrBefore(reads.get(handle.connection()), handle.start());
            Span write = firstAtOrAfter(writes.get(handle.connection()), handle.end());
            if (read == null || write == null) {
                continue;
            }
            boolean inside = read.start() >= windowStart && write.end() <= windowEnd;
            List<Span> path = new ArrayList<>();
            path.add(read);
            path.addAll(handOffs.getOrDefault(handle.connection() + "/" + handle.request(), List.of()));
            path.add(handle);
            path.add(write);
            path.sort(Comparator.comparingLong(Span::start));
            // The most threads crossed first; then a path seen whole in the window over one cut at its edges.
            int score = 2 * (int) path.stream().map(Span::thread).distinct().count() + (inside ? 1 : 0);
            if (score > bestScore) {
                best = path;
                bestScore = score;
            }
        }
        return List.copyOf(best);
    }

    private Map<Long, List<Span>> byConnection(String step) {
        Map<Long, List<Span>> by = new HashMap<>();
        for (Span s : spans) {
            if (s.step().equals(step) && s.connection() != 0) {
                by.computeIfAbsent(s.connection(), k -> new ArrayList<>()).add(s); // in start order
            }
        }
        return by;
    }

    private static Span lastAtOrBefore(List<Span> sorted, long time) {
        Span found = null;
        if (sorted != null) {
            for (Span s : sorted) {
                if (s.start() > time) {
                    break;
                }
                found = s;
            }
        }
        return found;
    }

    private static Span firstAtOrAfter(List<Span> sorted, long time) {
        if (sorted != null) {
            for (Span s : sorted) {
                if (s.start() >= time) {
                    return s;
                }
            }
        }
        return null;
    }

    public String model() {
        return model;
    }

    public TimelineSpec spec() {
        return spec;
    }

    public List<Span> spans() {
        return spans;
    }

    /** The threads that emitted any step, in lane order. */
    public List<String> threads() {
        return threads;
    }

    /**
     * The lanes drawn: the threads that did anything inside the window (a thread that only started
     * or closed the server, or accepted before it, is in the counts but not drawn).
     */
    public List<String> lanes() {
        long from = windowStart;
        long to = windowStart + windowNanos();
        Set<String> active = new LinkedHashSet<>();
        for (Span s : spans) {
            if (s.end() >= from && s.start() <= to) {
                active.add(s.thread());
            }
        }
        return threads.stream().filter(active::contains).toList();
    }

    /** How many times {@code thread} did {@code step} during the whole run (0 if never). */
    public long count(String thread, String step) {
        return counts.getOrDefault(thread, Map.of()).getOrDefault(step, 0L);
    }

    /** The threads that did {@code step} at least once. */
    public Set<String> threadsDoing(String step) {
        Set<String> doing = new LinkedHashSet<>();
        counts.forEach((thread, steps) -> {
            if (steps.getOrDefault(step, 0L) > 0) {
                doing.add(thread);
            }
        });
        return doing;
    }

    /** Which threads did {@code step} for each connection: connection id to thread names. */
    public Map<Long, Set<String>> threadsPerConnection(String step) {
        Map<Long, Set<String>> per = new TreeMap<>();
        for (Span s : spans) {
            if (s.step().equals(step) && s.connection() != 0) {
                per.computeIfAbsent(s.connection(), k -> new LinkedHashSet<>()).add(s.thread());
            }
        }
        return per;
    }

    /** The share of the run {@code thread} spent in {@code step} (own time, nested steps apart), 0..1. */
    public double share(String thread, String step) {
        return runNanos == 0 ? 0 : selfNanos.getOrDefault(thread, Map.of()).getOrDefault(step, 0L) / (double) runNanos;
    }

    /** How deep {@code span} sits in its thread's nesting: 0 at the top. */
    public int depth(Span span) {
        return depth.getOrDefault(span, 0);
    }

    public long runNanos() {
        return runNanos;
    }

    public long windowStart() {
        return windowStart;
    }

    public long windowNanos() {
        return spec.window().toNanos();
    }

    /** The spans of the traced request, in time order (its read or write may lie outside the window); empty when none was handled in it. */
    public List<Span> traced() {
        return traced;
    }

    /** The steps in the order a request meets them. */
    public static List<String> steps() {
        return List.of(Trace.STEPS);
    }

    /**
     * The JSON of {@code MODEL.json}: {@code {"model", "threads": {thread: {step: count}}, "window":
     * {...}, "shares": {thread: {step: share}}, "traced": [...]}}.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model);
        Map<String, Object> threadCounts = new LinkedHashMap<>();
        Map<String, Object> shares = new LinkedHashMap<>();
        for (String thread : threads) {
            Map<String, Long> c = new LinkedHashMap<>();
            Map<String, Double> sh = new LinkedHashMap<>();
            for (String step : steps()) {
                if (count(thread, step) > 0) {
                    c.put(step, count(thread, step));
                }
                if (share(thread, step) > 0) {
                    sh.put(step, Math.round(share(thread, step) * 10_000) / 10_000.0);
                }
            }
            threadCounts.put(thread, c);
            shares.put(thread, sh);
        }
        json.put("threads", threadCounts);
        json.put("window", Map.of("startMicros", (windowStart - runStart) / 1000, "micros", windowNanos() / 1000,
                "runMicros", runNanos / 1000));
        json.put("shares", shares);
        json.put("load", Map.of("threads", spec.threads(), "connections", spec.connections(), "depth", spec.depth(),
                "payload", spec.payload(), "workMicros", spec.workMicros(), "durationMillis", spec.duration().toMillis()));
        List<Map<String, Object>> path = new ArrayList<>();
        for (Span s : traced) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("thread", s.thread());
            step.put("step", s.step());
            step.put("atMicros", (s.start() - windowStart) / 1000.0);
            step.put("connection", s.connection());
            step.put("request", s.request());
            path.add(step);
        }
        json.put("traced", path);
        return json;
    }
}
