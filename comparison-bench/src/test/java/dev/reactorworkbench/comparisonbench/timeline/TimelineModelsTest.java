package dev.reactorworkbench.comparisonbench.timeline;

import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where each model does each step, by counts, from the events of a short recorded run: the claims
 * the chapters make about threads, checked against what the threads did. Nothing here is timed.
 */
@Timeout(120)
class TimelineModelsTest {

    /** A short run: enough requests for every step to show up many times, even on a busy 2-core box. */
    private static TimelineSpec load(int threads, int connections, int depth) {
        return new TimelineSpec(threads, connections, depth, 64, 20, Duration.ofMillis(250), Duration.ofMillis(1));
    }

    private static Timeline record(String model, TimelineSpec spec) throws Exception {
        ServerModel m = ServerModel.discover().stream().filter(x -> x.name().equals(model)).findFirst().orElseThrow();
        Timeline t = TimelineRecorder.record(m, spec);
        assertThat(t.threadsDoing("Handle")).as(model + " handled requests").isNotEmpty();
        return t;
    }

    @Test
    @DisplayName("single-thread-reactor: every step, accept to write, on the one thread called reactor")
    void singleThreadReactor() throws Exception {
        Timeline t = record("single-thread-reactor", load(4, 4, 1));
        for (String step : List.of("Wait", "Accept", "Read", "Decode", "Handle", "Write")) {
            assertThat(t.threadsDoing(step)).as(step).containsExactly("reactor");
        }
        assertThat(t.count("reactor", "Handle")).isGreaterThan(20);
        assertThat(t.threadsDoing("HandOff")).as("nothing is handed off").isEmpty();
    }

    @Test
    @DisplayName("reactor-threadpool: handles only on worker-*, reads and writes only on reactor, hand-offs both ways")
    void reactorThreadPool() throws Exception {
        Timeline t = record("reactor-threadpool", load(4, 4, 2));
        assertThat(t.threadsDoing("Handle")).allMatch(name -> name.startsWith("worker-"));
        assertThat(t.threadsDoing("Read")).containsExactly("reactor");
        assertThat(t.threadsDoing("Write")).containsExactly("reactor");
        assertThat(t.count("reactor", "HandOff")).as("reactor to worker").isGreaterThan(20);
        long back = t.threadsDoing("HandOff").stream().filter(n -> n.startsWith("worker-"))
                .mapToLong(n -> t.count(n, "HandOff")).sum();
        assertThat(back).as("worker back to reactor, one per reply").isEqualTo(
                t.threadsDoing("Handle").stream().mapToLong(n -> t.count(n, "Handle")).sum());
    }

    @Test
    @DisplayName("redis6-io-threads: every handle on main-loop; under load the reads spread over io-thread-*, "
            + "with a fan-out and a spin on main-loop")
    void redis6IoThreads() throws Exception {
        // io-threads 3 (main-loop and io-thread-1..2): a read phase goes to the threads with 6 or more
        // connections ready in one turn; 16 connections pipelining 4 requests make that common.
        Timeline t = record("redis6-io-threads", load(3, 16, 4));
        assertThat(t.threadsDoing("Handle")).containsExactly("main-loop");
        assertThat(t.threadsDoing("Read")).anyMatch(name -> name.startsWith("io-thread-"));
        assertThat(t.threadsDoing("Read")).allMatch(name -> name.equals("main-loop") || name.startsWith("io-thread-"));
        assertThat(t.count("main-loop", "FanOut")).isPositive();
        assertThat(t.count("main-loop", "Spin")).isEqualTo(t.count("main-loop", "FanOut"));
        assertThat(t.threadsDoing("Spin")).containsExactly("main-loop");
    }

    @Test
    @DisplayName("redis8-async-io-threads: every handle on main-thread; each connection read and written by one "
            + "io-thread-N; each command handed over to main-thread and its reply handed back")
    void redis8AsyncIoThreads() throws Exception {
        // io-threads 3: main-thread and io-thread-1..2.
        Timeline t = record("redis8-async-io-threads", load(3, 6, 2));
        assertThat(t.threadsDoing("Handle")).containsExactly("main-thread");
        assertThat(t.threadsDoing("Read")).isNotEmpty().allMatch(name -> name.startsWith("io-thread-"));
        assertThat(t.threadsDoing("Write")).isNotEmpty().allMatch(name -> name.startsWith("io-thread-"));
        Map<Long, Set<String>> reads = t.threadsPerConnection("Read");
        assertThat(reads).hasSize(6);
        reads.forEach((connection, threads) -> assertThat(threads).as("reads of " + connection).hasSize(1));
        assertThat(t.threadsPerConnection("Write")).isEqualTo(reads);
        long handles = t.count("main-thread", "Handle");
        long toMain = t.threadsDoing("HandOff").stream().filter(n -> n.startsWith("io-thread-"))
                .mapToLong(n -> t.count(n, "HandOff")).sum();
        assertThat(toMain).as("one hand-off to main-thread per command").isEqualTo(handles);
        assertThat(t.count("main-thread", "HandOff")).as("one hand-back per reply").isEqualTo(handles);
    }

    @Test
    @DisplayName("multi-reactor: each connection is read, handled and written by one sub-reactor only")
    void multiReactor() throws Exception {
        Timeline t = record("multi-reactor", load(2, 6, 1));
        Map<Long, Set<String>> handles = t.threadsPerConnection("Handle");
        assertThat(handles).hasSize(6);
        for (String step : List.of("Read", "Handle", "Write")) {
            t.threadsPerConnection(step).forEach((connection, threads) -> {
                assertThat(threads).as(step + " of connection " + connection).hasSize(1);
                assertThat(threads.iterator().next()).startsWith("sub-reactor-");
                assertThat(threads).as(step + " on the connection's own sub-reactor").isEqualTo(handles.get(connection));
            });
        }
        assertThat(t.threadsDoing("Accept")).containsExactly("main-reactor");
        assertThat(t.threadsDoing("Handle")).as("two sub-reactors share the six connections").hasSize(2);
    }

    @Test
    @DisplayName("proactor-aio: the completions (read, decode, handle, write) run on the proactor-N pool threads")
    void proactor() throws Exception {
        Timeline t = record("proactor-aio", load(2, 4, 1));
        for (String step : List.of("Read", "Decode", "Handle", "Write")) {
            assertThat(t.threadsDoing(step)).as(step).isNotEmpty().allMatch(name -> name.matches("proactor-\\d+"));
        }
        assertThat(t.threadsDoing("Accept")).containsExactly("proactor-acceptor");
    }

    @Test
    @DisplayName("thread-per-connection: each connection's reads and writes on its own thread, one thread per connection")
    void threadPerConnection() throws Exception {
        Timeline t = record("thread-per-connection", load(0, 4, 1));
        Map<Long, Set<String>> reads = t.threadsPerConnection("Read");
        assertThat(reads).hasSize(4);
        reads.forEach((connection, threads) -> assertThat(threads).as("reads of " + connection).hasSize(1));
        assertThat(t.threadsPerConnection("Write")).isEqualTo(reads);
        assertThat(t.threadsPerConnection("Handle")).isEqualTo(reads);
        assertThat(reads.values().stream().map(s -> s.iterator().next()).distinct()).as("one thread each").hasSize(4);
    }

    @Test
    @DisplayName("the traced request of reactor-threadpool crosses threads, and the SVG parses as XML")
    void svgIsXml() throws Exception {
        // A wide window (100 ms), so a busy machine's stall cannot leave it without a handled request.
        Timeline t = record("reactor-threadpool", new TimelineSpec(4, 4, 1, 64, 20, Duration.ofMillis(250),
                Duration.ofMillis(100)));
        assertThat(t.traced()).isNotEmpty();
        assertThat(t.traced().stream().map(Span::thread).distinct().count()).isGreaterThanOrEqualTo(2);
        String svg = TimelineSvg.render(t);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(doc.getElementsByTagName("line").getLength()).as("axis ticks and arrows").isGreaterThan(3);
        assertThat(svg).contains(">reactor<").contains(">worker-");
    }
}
