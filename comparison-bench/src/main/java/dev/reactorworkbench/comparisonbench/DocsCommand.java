package dev.reactorworkbench.comparisonbench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.concurrent.Callable;

/**
 * {@code ./workbench docs}: builds the annotated site (module {@code docs}) if it is missing or
 * older than the sources, then prints the absolute path of its {@code index.html}, and nothing
 * else on standard output, so that {@code xdg-open "$(./workbench docs)"} works.
 */
@Command(name = "docs", sortOptions = false,
        description = {"Build the annotated site if needed, and print the path of its index.html.",
                "It is built when missing or older than any source or pom.xml; standard output carries only the path."})
final class DocsCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private final DocsSite site;
    private final DocsSite.Builder builder;
    private final PrintStream out;
    private final PrintStream err;

    DocsCommand(DocsSite site, DocsSite.Builder builder, PrintStream out, PrintStream err) {
        this.site = site;
        this.builder = builder;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (!site.hasDocsModule()) {
            err.println("workbench docs: no docs module in " + site.root()
                    + "; run ./workbench from the repository (or pass -Dworkbench.root=<repository>)");
            return 1;
        }
        try {
            // 1. Build only when needed: no rendered site yet, or a source or pom.xml changed since.
            if (site.needsBuild()) {
                err.println("building the docs (" + String.join(" ", DocsSite.BUILD_COMMAND) + ") ...");
                int code = builder.build(site, err);
                if (code != 0) {
                    err.println("workbench docs: the docs build failed (exit code " + code + "); see the Maven output above");
                    return 1;
                }
            }
        } catch (IOException e) {
            err.println("workbench docs: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("workbench docs: interrupted while building");
            return 1;
        }
        // 2. Print where it is, for a browser or a script.
        if (!Files.isRegularFile(site.index())) {
            err.println("workbench docs: the build succeeded but " + site.index() + " is missing");
            return 1;
        }
        out.println(site.index());
        return 0;
    }
}
