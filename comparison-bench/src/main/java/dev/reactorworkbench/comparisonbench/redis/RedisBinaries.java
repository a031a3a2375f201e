package dev.reactorworkbench.comparisonbench.redis;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the real Redis binaries on the PATH and says how to install them when they are missing. */
public final class RedisBinaries {

    /** One line for a missing binary. */
    public static final String INSTALL = "install them with 'apt-get install redis-server redis-tools' (Debian/Ubuntu)"
            + " or 'brew install redis' (macOS)";

    private RedisBinaries() {
    }

    /** {@code binary} (e.g. {@code redis-server}) on the PATH, or empty. */
    public static Optional<Path> find(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, binary);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** "redis-server is not on the PATH; install ..." */
    public static String missing(String binary) {
        return binary + " is not on the PATH; " + INSTALL;
    }
}
