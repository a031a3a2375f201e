package dev.reactorworkbench.comparisonbench.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * Results files in the shapes of {@code contract-results.md}, made by the test: JMH's own result
 * objects (3 forks of {@code rawData}, {@code scoreConfidence}) and open-loop runs with real encoded
 * HdrHistograms, so the report is tested on what the bench writes, not on hand-typed numbers.
 */
public final class Fixtures {

    private static final com.fasterxml.jackson.databind.ObjectMapper M = ReportJson.MAPPER;

    private final ArrayNode jmh = M.createArrayNode();
    private final ArrayNode runs = M.createArrayNode();
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private int forks = 3;

    Fixtures() {
        machine.put("cores", 2);
        machine.put("jdk", "Fixture JDK 25");
        machine.put("javaVersion", "openjdk <fixture> & co");   // markup-like text must stay text in the HTML
        machine.put("loadGate", new LinkedHashMap<>(Map.of("threshold", 0.5, "loadAtStart", 0.12, "cores", 2, "forced", false)));
        machine.put("pinning", "none (2 cores: server and client unpinned)");
        settings.put("forks", 3);
        settings.put("warmup", "2 x 1 s");
        settings.put("measurement", "5 x 1 s");
        settings.put("mode", "full");
    }

    Fixtures forks(int n) {
        forks = n;
        settings.put("forks", n);
        return this;
    }

    Fixtures forced() {
        @SuppressWarnings("unchecked")
        Map<String, Object> gate = (Map<String, Object>) machine.get("loadGate");
        gate.put("forced", true);
        gate.put("loadAtStart", 3.7);
        return this;
    }

    /**
     * One JMH result: msgs/s {@code score} with JMH's interval {@code [lo, hi]}, iterations spread
     * over that interval, and the cost metrics (CPU per message = {@code cpu} with a 5 % interval).
     */
    Fixtures row(String model, int threads, int connections, int payload, int work, double score, double lo, double hi, double cpu) {
        ObjectNode r = jmh.addObject();
        r.put("jmhVersion", "1.37");
        r.put("benchmark", "dev.reactorworkbench.comparisonbench.jmh.EchoBenchmark.echo");
        r.put("mode", "thrpt");
        r.put("forks", forks);
        ObjectNode params = r.putObject("params");
        params.put("model", model);
        params.put("threads", String.valueOf(threads));
        params.put("connections", String.valueOf(connections));
        params.put("payload", String.valueOf(payload));
        params.put("work", String.valueOf(work));
        r.set("primaryMetric", metric(score, lo, hi, "ops/s"));
        ObjectNode sec = r.putObject("secondaryMetrics");
        sec.set("server.cpu.us/msg", metric(cpu, cpu * 0.95, cpu * 1.05, "us/msg"));
        sec.set("server.reads/msg", metric(1.0, 0.99, 1.01, "reads/msg"));
        sec.set("server.writes/msg", metric(1.0, 0.98, 1.02, "writes/msg"));
        sec.set("server.cs/msg", metric(0.25, 0.2, 0.3, "cs/msg"));
        sec.set("client.cpu.us/msg", metric(12.0, 11.0, 13.0, "us/msg"));
        sec.set("p50", metric(800, 700, 900, "us"));
        sec.set("p99", metric(2500, 2000, 3000, "us"));
        sec.set("server.threads", metric(threads + 1, Double.NaN, Double.NaN, "threads"));
        sec.set("client.threads", metric(1, Double.NaN, Double.NaN, "threads"));
        return this;
    }

    /** The last row ran pipelined: JMH's {@code depth} parameter (absent, as in older files, means 1). */
    Fixtures depth(int depth) {
        ((ObjectNode) jmh.get(jmh.size() - 1).get("params")).put("depth", String.valueOf(depth));
        return this;
    }

    /** JMH's metric object: score, error, confidence, and rawData of {@code forks} x 2 iterations within [lo, hi]. */
    private ObjectNode metric(double score, double lo, double hi, String unit) {
        ObjectNode m = M.createObjectNode();
        m.put("score", score);
        if (Double.isNaN(lo)) {
            m.put("scoreError", "NaN");
            m.putArray("scoreConfidence").add("NaN").add("NaN");
        } else {
            m.put("scoreError", (hi - lo) / 2);
            m.putArray("scoreConfidence").add(lo).add(hi);
        }
        m.put("scoreUnit", unit);
        ArrayNode raw = m.putArray("rawData");
        for (int f = 0; f < forks; f++) {
            ArrayNode fork = raw.addArray();
            // Iterations inside JMH's interval (a quarter of its width from each end), so the range of the
            // iterations differs from JMH's interval and a test can tell which one the report used.
            fork.add(f == 0 && !Double.isNaN(lo) ? lo + (hi - lo) / 4 : score);
            fork.add(f == 0 && !Double.isNaN(hi) ? hi - (hi - lo) / 4 : score);
        }
        return m;
    }

    /**
     * One open-loop run whose histogram holds {@code n} latencies {@code latencyNs.applyAsLong(i)},
     * encoded as the bench encodes it (compressed, base64).
     */
    public Fixtures run(String server, int connections, double fraction, double offered, double achieved, long errors, int n,
                 LongUnaryOperator latencyNs) {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        for (int i = 0; i < n; i++) {
            h.recordValue(latencyNs.applyAsLong(i));
        }
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int len = h.encodeIntoCompressedByteBuffer(buf);
        ObjectNode r = runs.addObject();
        r.put("server", server);
        r.put("threads", 2);
        r.put("connections", connections);
        r.put("payload", 64);
        r.put("work", 0);
        r.put("capacityServer", "netty-nio");
        r.put("capacityMsgsPerSec", offered / fraction);
        r.put("loadFraction", fraction);
        r.put("offeredPerSec", offered);
        r.put("achievedPerSec", achieved);
        r.put("durationSeconds", 10.0);
        r.put("warmupSeconds", 2.0);
        r.put("errors", errors);
        ObjectNode pct = r.putObject("percentilesUs");
        pct.put("50", h.getValueAtPercentile(50) / 1000.0);
        pct.put("99", h.getValueAtPercentile(99) / 1000.0);
        pct.put("max", h.getMaxValue() / 1000.0);
        r.put("histogramUnit", "ns");
        r.put("histogram", Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), len)));
        return this;
    }

    public String resultsJson() {
        return ReportJson.text(BenchResults.wrap(machine, settings, jmh));
    }

    public String latencyJson() {
        ObjectNode doc = M.createObjectNode();
        doc.set("machine", M.valueToTree(machine));
        doc.set("runs", runs);
        return ReportJson.text(doc);
    }

    /** The standard fixture: two shapes, every twin, and intervals chosen so some differences are real and some are not. */
    public static Fixtures standard() {
        return new Fixtures()
                .row("single-thread-reactor", 2, 64, 64, 0, 30_000, 29_000, 31_000, 20)
                .row("reactor-threadpool", 2, 64, 64, 0, 15_000, 14_000, 16_000, 40)
                .row("netty-nio", 2, 64, 64, 0, 20_000, 19_000, 21_000, 25)
                .row("netty-nio", 1, 64, 64, 0, 25_000, 24_000, 26_000, 22)
                .row("netty-nio-executor", 2, 64, 64, 0, 15_500, 14_000, 17_000, 45)
                .row("single-thread-reactor", 2, 1024, 64, 0, 20_000, 19_000, 21_000, 21)
                .row("netty-nio", 2, 1024, 64, 0, 25_000, 20_000, 30_000, 24);
    }
}
