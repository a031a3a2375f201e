package dev.reactorworkbench.launcher;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What {@code --version} prints for every command: the project version, written into
 * {@code version.properties} by the build (a filtered resource), and the JVM running it.
 */
public final class WorkbenchVersion implements CommandLine.IVersionProvider {

    /** The project version from the build, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String projectVersion() {
        try (InputStream in = WorkbenchVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown (no version.properties: not built by Maven)";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[]{
                "Reactor Workbench " + projectVersion(),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + "), "
                        + System.getProperty("os.name", "?") + " " + System.getProperty("os.arch", "?")};
    }
}
