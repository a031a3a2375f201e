package dev.reactorworkbench.comparisonbench;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./workbench docs} on a fake repository in a temporary folder, with a fake builder in
 * place of Maven: what is built when, and what is printed where.
 */
@Timeout(30)
class DocsCommandTest {

    private static final Instant EARLIER = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant LATER = Instant.parse("2026-01-02T00:00:00Z");

    @TempDir
    Path root;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    private final AtomicInteger builds = new AtomicInteger();
    private Path index;
    private Path chapter;
    private Path quotedSource;

    @BeforeEach
    void fakeRepository() throws IOException {
        write(root.resolve("pom.xml"), "<project/>", EARLIER);
        write(root.resolve("docs/pom.xml"), "<project/>", EARLIER);
        chapter = write(root.resolve("docs/src/docs/asciidoc/index.adoc"), "= Site", EARLIER);
        quotedSource = write(root.resolve("some-model/src/main/java/Reactor.java"), "class Reactor {}", EARLIER);
        write(root.resolve("some-model/target/classes/Reactor.class"), "build output", LATER); // never counts
        index = root.resolve("docs/target/generated-docs/index.html");
    }

    /** A builder that renders the site the way the docs module would: it writes index.html. */
    private int renderSite(DocsSite site, PrintStream buildErr) throws IOException {
        builds.incrementAndGet();
        write(site.index(), "<html></html>", Instant.now());
        return 0;
    }

    private int docs(DocsSite.Builder builder) {
        return new Workbench(out, err, new CountDownLatch(1), false, new DocsSite(root), builder).execute("docs");
    }

    private int docs() {
        return docs(this::renderSite);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("with no rendered site yet, docs builds it and prints only the absolute path of index.html")
    void buildsWhenMissing() {
        int code = docs();

        assertThat(code).isZero();
        assertThat(builds).hasValue(1);
        assertThat(out()).isEqualTo(index.toAbsolutePath().normalize() + System.lineSeparator());
        assertThat(Path.of(out().strip())).isAbsolute().isRegularFile();
        assertThat(err()).contains("building the docs").contains("./mvnw -B -q -pl docs -am package -DskipTests");
    }

    @Test
    @DisplayName("a site newer than every source and pom.xml is not built again")
    void upToDateIsNotRebuilt() throws IOException {
        write(index, "<html></html>", LATER);

        int code = docs();

        assertThat(code).isZero();
        assertThat(builds).hasValue(0);
        assertThat(out().strip()).isEqualTo(index.toAbsolutePath().normalize().toString());
        assertThat(err()).isEmpty();
    }

    @Test
    @DisplayName("a chapter, a quoted source file or a pom.xml changed after the site was rendered makes docs build again")
    void staleIsRebuilt() throws IOException {
        for (Path changed : new Path[]{chapter, quotedSource, root.resolve("pom.xml")}) {
            write(index, "<html></html>", LATER);
            Files.setLastModifiedTime(changed, FileTime.from(LATER.plusSeconds(60)));
            int before = builds.get();

            assertThat(docs()).isZero();

            assertThat(builds.get()).as("builds after touching %s", root.relativize(changed)).isEqualTo(before + 1);
            Files.setLastModifiedTime(changed, FileTime.from(EARLIER));
        }
    }

    @Test
    @DisplayName("a failed build exits 1, says so on stderr and prints no path")
    void failedBuild() {
        int code = docs((site, buildErr) -> {
            buildErr.println("[ERROR] asciidoctor: WARN: tag 'loop' not found");
            return 1;
        });

        assertThat(code).isEqualTo(1);
        assertThat(out()).isEmpty();
        assertThat(err()).contains("tag 'loop' not found").contains("the docs build failed (exit code 1)");
    }

    @Test
    @DisplayName("outside a repository with a docs module, docs exits 1 naming the folder it looked in")
    void noDocsModule() throws IOException {
        Files.delete(root.resolve("docs/pom.xml"));

        int code = docs();

        assertThat(code).isEqualTo(1);
        assertThat(builds).hasValue(0);
        assertThat(out()).isEmpty();
        assertThat(err()).contains("no docs module in " + root.toAbsolutePath().normalize());
    }

    @Test
    @DisplayName("--help lists the docs subcommand with what it does")
    void help() {
        int code = new Workbench(out, err, new CountDownLatch(1), false, new DocsSite(root), this::renderSite)
                .execute("--help");

        assertThat(code).isZero();
        assertThat(out().lines()).anySatisfy(line -> assertThat(line).contains("docs").contains("Build the annotated site"));
        assertThat(builds).hasValue(0);
    }

    private static Path write(Path file, String text, Instant modified) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }
}
