package dev.reactorworkbench.comparisonbench.timeline;

import dev.reactorworkbench.echoprotocol.server.ServerModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pages render in a real browser: headless Chromium (from the system packages) loads a model's
 * page and the index of several, with no console message (an error, a failed load, a script: the
 * pages have none), and takes a screenshot of the index. Skipped, saying why, without Chromium.
 */
@Timeout(300)
class TimelinePageIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path OUT = Path.of("target", "timeline-it");

    @BeforeAll
    static void pages() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM + ": install the chromium package to run this test");
        TimelineSpec spec = new TimelineSpec(4, 4, 1, 64, 20, Duration.ofMillis(200), Duration.ofMillis(1));
        List<Timeline> all = new ArrayList<>();
        for (ServerModel model : ServerModel.discover()) {
            if (model.name().equals("single-thread-reactor") || model.name().equals("reactor-threadpool")) {
                Timeline t = TimelineRecorder.record(model, spec);
                TimelinePages.write(t, OUT);
                all.add(t);
            }
        }
        assertThat(all).hasSize(2);
        TimelinePages.writeIndex(all, OUT);
    }

    @Test
    @DisplayName("a model's page renders in headless Chromium with no console message, its SVG in the DOM")
    void modelPage(@TempDir Path profile) throws Exception {
        Browser run = chromium(profile, "--dump-dom", OUT.resolve("reactor-threadpool.html"));
        assertThat(run.consoleLines()).as(run.stderr).isEmpty();
        assertThat(run.stdout).contains("<svg").contains("worker-").contains("<table>");
    }

    @Test
    @DisplayName("the index renders every model one above another, and a screenshot of it is taken")
    void indexPage(@TempDir Path profile) throws Exception {
        Browser run = chromium(profile, "--dump-dom", OUT.resolve("index.html"));
        assertThat(run.consoleLines()).as(run.stderr).isEmpty();
        assertThat(run.stdout.split("<svg", -1)).hasSize(3); // two SVGs
        Path png = OUT.resolve("all.png").toAbsolutePath();
        Files.deleteIfExists(png);
        Browser shot = chromium(profile, "--screenshot=" + png, OUT.resolve("index.html"), "--window-size=1150,900");
        assertThat(shot.consoleLines()).as(shot.stderr).isEmpty();
        byte[] header = Files.readAllBytes(png);
        assertThat(header.length).isGreaterThan(1000);
        assertThat(new String(header, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    private record Browser(String stdout, String stderr) {
        /** What the page said on the console ("INFO:CONSOLE..."): errors, failed loads, uncaught exceptions. */
        List<String> consoleLines() {
            return stderr.lines().filter(l -> l.contains(":CONSOLE") || l.contains("Uncaught")).toList();
        }
    }

    private static Browser chromium(Path profile, String action, Path page, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
        command.addAll(List.of(extra));
        command.add(action);
        command.add(page.toAbsolutePath().toUri().toString());
        Path out = Files.createTempFile(profile, "stdout", ".txt");
        Path err = Files.createTempFile(profile, "stderr", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            // Wide margin: Chromium's first start on a busy 2-core box takes seconds.
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium ended within 120 s").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        return new Browser(Files.readString(out), Files.readString(err));
    }
}
