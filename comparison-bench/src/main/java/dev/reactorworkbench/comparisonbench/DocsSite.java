package dev.reactorworkbench.comparisonbench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The annotated site rendered by the {@code docs} module, as {@code ./workbench docs} sees it:
 * where its {@code index.html} is, and whether it must be built (again) first. The chapters quote
 * the sources of every module, so the site is out of date when any module's sources or any
 * {@code pom.xml} changed after it was rendered.
 */
final class DocsSite {

    /**
     * The Maven command that renders the site (and compiles the modules it quotes), tests skipped.
     * It runs the repository's Maven Wrapper, which brings the Maven the build requires (3.9+)
     * whatever Maven is installed, or none.
     */
    static final List<String> BUILD_COMMAND = List.of("./mvnw", "-B", "-q", "-pl", "docs", "-am", "package", "-DskipTests");

    /** Folders never looked into for changed sources: build output and version control. */
    private static final Set<String> SKIPPED = Set.of("target", ".git", ".idea", "node_modules");

    private final Path root;

    /** @param root the repository root, the folder holding the parent pom and the {@code docs} module */
    DocsSite(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** True when the root holds a {@code docs} module to build. */
    boolean hasDocsModule() {
        return Files.isRegularFile(root.resolve("docs/pom.xml"));
    }

    /** The rendered start page: {@code docs/target/generated-docs/index.html}, absolute. */
    Path index() {
        return root.resolve("docs/target/generated-docs/index.html");
    }

    /** True when there is no rendered site yet, or a source or a pom.xml is newer than it. */
    boolean needsBuild() throws IOException {
        Path index = index();
        if (!Files.isRegularFile(index)) {
            return true;
        }
        FileTime rendered = Files.getLastModifiedTime(index);
        NewerSource finder = new NewerSource(root, rendered);
        Files.walkFileTree(root, finder);
        return finder.found;
    }

    /** Walks the tree and stops at the first source file or pom.xml modified after {@code than}. */
    private static final class NewerSource extends SimpleFileVisitor<Path> {
        private final Path root;
        private final FileTime than;
        private boolean found;

        NewerSource(Path root, FileTime than) {
            this.root = root;
            this.than = than;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            Path name = dir.getFileName();
            boolean skipped = !dir.equals(root) && name != null && SKIPPED.contains(name.toString());
            return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            boolean source = file.getFileName().toString().equals("pom.xml") || isUnderSrc(root.relativize(file));
            if (source && attrs.lastModifiedTime().compareTo(than) > 0) {
                found = true;
                return FileVisitResult.TERMINATE;
            }
            return FileVisitResult.CONTINUE;
        }

        /** True when a folder named {@code src} is on the way from the root to the file. */
        private static boolean isUnderSrc(Path relative) {
            for (Path part : relative) {
                if (part.toString().equals("src")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Builds the site; returns the exit code. Tests replace the Maven run with a fake. */
    @FunctionalInterface
    interface Builder {
        int build(DocsSite site, PrintStream err) throws IOException, InterruptedException;
    }

    /**
     * Runs {@link #BUILD_COMMAND} in the repository root. Maven's output is kept in a temporary
     * file and shown on {@code err} only if the build fails, so that standard output carries
     * nothing but the path {@code ./workbench docs} prints.
     */
    static int mavenBuild(DocsSite site, PrintStream err) throws IOException, InterruptedException {
        Path log = Files.createTempFile("workbench-docs", ".log");
        try {
            Process maven;
            try {
                List<String> command = new ArrayList<>(BUILD_COMMAND);
                command.set(0, site.root().resolve("mvnw").toString());
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(site.root().toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                // The wrapper runs Maven on JAVA_HOME; without one, on the JDK running this command.
                builder.environment().putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
                maven = builder.start();
            } catch (IOException e) {
                err.println("workbench docs: cannot run " + site.root().resolve("mvnw") + " (" + e.getMessage() + ")");
                return 1;
            }
            int code;
            try {
                code = maven.waitFor();
            } catch (InterruptedException e) {
                maven.destroy(); // do not leave a build running behind us
                throw e;
            }
            if (code != 0) {
                err.print(Files.readString(log, StandardCharsets.UTF_8));
            }
            return code;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
