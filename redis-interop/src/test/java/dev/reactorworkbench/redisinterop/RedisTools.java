package dev.reactorworkbench.redisinterop;

import dev.reactorworkbench.comparisonbench.redis.RedisBinaries;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real Redis binaries: found on the PATH, run with a deadline, their output captured. */
final class RedisTools {

    private RedisTools() {
    }

    /** The binary's path, or empty when it is not on the PATH (the workbench's own look-up). */
    static Optional<Path> find(String binary) {
        return RedisBinaries.find(binary);
    }

    /** Skips the calling test, with one clear line, when the binary is missing. */
    static Path require(String binary) {
        Optional<Path> found = find(binary);
        assumeTrue(found.isPresent(), () -> RedisBinaries.missing(binary) + "; .ci/run does it in CI. This test is skipped");
        return found.get();
    }

    /** What a finished run printed (stdout and stderr together) and its exit code. */
    record Run(List<String> command, int exitCode, String output) {
        /** The output's lines, split at CR as well as LF (redis-benchmark redraws with CR). */
        List<String> lines() {
            List<String> lines = new ArrayList<>();
            for (String line : output.split("[\r\n]+")) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + "\n" + output;
        }
    }

    /**
     * Runs the command to its end, or kills it at the deadline (and fails the test: a tool that
     * hangs is a server that stopped answering).
     */
    static Run run(Duration deadline, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("redis-tool", ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            try {
                if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + deadline.toSeconds()
                            + " s; its output so far:\n" + Files.readString(out, StandardCharsets.ISO_8859_1));
                }
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly();
                }
            }
            return new Run(command, process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
