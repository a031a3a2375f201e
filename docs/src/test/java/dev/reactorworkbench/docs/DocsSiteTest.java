package dev.reactorworkbench.docs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the site this build rendered (the asciidoctor-maven-plugin runs in generate-resources,
 * before the tests). The plugin itself already fails the build on any Asciidoctor warning, such
 * as an include whose file or tag is missing; these tests catch what Asciidoctor does not warn
 * about: an image or chart that is not there, a link to a page that does not exist, and a model
 * module that has no chapter (or a chapter without its diagram, its quoted code or its charts).
 */
class DocsSiteTest {

    /** The file a module lists in META-INF/services to say it is a server model. */
    private static final String MODEL_SERVICE = "src/main/resources/META-INF/services/dev.reactorworkbench.echoprotocol.server.ServerModel";
    /** Modules that register models but are not models the docs teach: the Netty reference servers. */
    private static final Set<String> NOT_TAUGHT = Set.of("comparison-bench");
    /** A model module whose chapter is named differently from the module (several modules, one chapter). */
    private static final Map<String, String> CHAPTER_OF = Map.of(
            "virtual-thread-per-connection", "thread-per-connection");
    /** Where the site holds the charts of the committed benchmark run (copied from docs/results/charts). */
    static final String CHARTS = "images/charts";

    private static final Pattern IMG = Pattern.compile("<(?:img|source)\\s[^>]*?src=\"([^\"]+)\"|<object\\s[^>]*?data=\"([^\"]+)\"");
    private static final Pattern HREF = Pattern.compile("<a\\s[^>]*?href=\"([^\"]+)\"");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    private static Path output;
    private static Path source;
    private static Path repoRoot;

    @BeforeAll
    static void locate() {
        output = Path.of(System.getProperty("docs.output", "target/generated-docs")).toAbsolutePath().normalize();
        source = Path.of(System.getProperty("docs.source", "src/docs/asciidoc")).toAbsolutePath().normalize();
        repoRoot = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
        assertThat(output.resolve("index.html")).as("the rendered site (run through Maven: mvn -pl docs -am verify)").isRegularFile();
    }

    @Test
    @DisplayName("every AsciiDoc page of the site is rendered to HTML")
    void everyPageIsRendered() throws IOException {
        List<Path> pages = pageSources();
        assertThat(pages).isNotEmpty();
        for (Path adoc : pages) {
            assertThat(html(adoc)).as("rendered page for %s", source.relativize(adoc)).isRegularFile();
        }
    }

    private static final Pattern CSS_COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
    /** A stylesheet, script, font, image or frame the browser would fetch from the network. */
    private static final Pattern REMOTE_ASSET = Pattern.compile(
            "<(?:link|script|img|source|iframe)\\s[^>]*?(?:href|src)=\"(?:https?:)?//[^\"]+\"|@import\\s+(?:url\\()?[\"']?(?:https?:)?//|url\\([\"']?(?:https?:)?//");

    @Test
    @DisplayName("the site works offline: no page loads a stylesheet, script, font or image from the network")
    void noRemoteAssets() throws IOException {
        for (Path page : renderedPages()) {
            // CSS comments do not load anything (the default stylesheet keeps its font import commented out).
            Matcher remote = REMOTE_ASSET.matcher(CSS_COMMENT.matcher(read(page)).replaceAll(""));
            String loaded = remote.find() ? remote.group() : null;
            assertThat(loaded).as("%s loads something from the network", output.relativize(page)).isNull();
        }
    }

    @Test
    @DisplayName("no page shows an unresolved include directive")
    void noUnresolvedIncludes() throws IOException {
        for (Path page : renderedPages()) {
            assertThat(read(page)).as("%s", output.relativize(page)).doesNotContain("Unresolved directive");
        }
    }

    @Test
    @DisplayName("every image a page shows (diagram or chart) exists in the rendered site")
    void everyImageExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int images = 0;
        for (Path page : renderedPages()) {
            Matcher m = IMG.matcher(read(page));
            while (m.find()) {
                String target = m.group(1) != null ? m.group(1) : m.group(2);
                if (isExternal(target)) {
                    continue;
                }
                images++;
                Path file = page.getParent().resolve(strip(target)).normalize();
                if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                    missing.add(output.relativize(page) + " -> " + target);
                }
            }
        }
        assertThat(missing).as("images referenced but missing").isEmpty();
        assertThat(images).as("images on the site (every model chapter has a diagram)").isPositive();
    }

    @Test
    @DisplayName("every link between pages points at a page and an anchor that exist")
    void everyLocalLinkResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : renderedPages()) {
            Matcher m = HREF.matcher(read(page));
            while (m.find()) {
                String href = m.group(1);
                if (isExternal(href) || href.equals("#")) {
                    continue;
                }
                int hash = href.indexOf('#');
                String file = hash < 0 ? href : href.substring(0, hash);
                String anchor = hash < 0 ? null : href.substring(hash + 1);
                Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.isRegularFile(target)) {
                    broken.add(output.relativize(page) + " -> " + href + " (no such file)");
                } else if (anchor != null && target.toString().endsWith(".html")
                        && !read(target).contains("id=\"" + anchor + "\"")) {
                    broken.add(output.relativize(page) + " -> " + href + " (no such anchor)");
                }
            }
        }
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    @DisplayName("every model module in the build has its chapter, with a diagram, quoted code and its charts")
    void everyModelHasItsChapter() throws IOException {
        Map<String, String> models = modelModules();
        assertThat(models).as("model modules in the parent pom").isNotEmpty();
        List<String> problems = new ArrayList<>();
        models.forEach((module, chapter) -> problems.addAll(chapterProblems(module, chapter)));
        assertThat(problems).as("model chapters").isEmpty();
    }

    private List<String> chapterProblems(String module, String chapter) {
        List<String> problems = new ArrayList<>();
        Path adoc = source.resolve(chapter + ".adoc");
        Path page = output.resolve(chapter + ".html");
        if (!Files.isRegularFile(adoc) || !Files.isRegularFile(page)) {
            problems.add(module + ": no chapter " + chapter + ".adoc (rendered to " + chapter + ".html)");
            return problems;
        }
        String text = expandAttributes(read(adoc));
        String html = read(page);
        if (!text.contains("[plantuml")) {
            problems.add(module + ": chapter " + chapter + " has no PlantUML diagram of its threads and data flow");
        } else if (!Pattern.compile("<img\\s[^>]*src=\"images/[^\"/]+\\.svg\"").matcher(html).find()) {
            problems.add(module + ": chapter " + chapter + " does not show its rendered diagram");
        }
        if (!Pattern.compile("include::\\{src-root}/" + Pattern.quote(module) + "/src/main/java/[^\\[]+\\[[^\\]]*tag=").matcher(text).find()) {
            problems.add(module + ": chapter " + chapter + " quotes no tagged region of " + module + "/src/main/java");
        }
        // A chart of the committed run with this model drawn in front (the report writes
        // charts/highlight/MODEL/*.svg for every model).
        if (!Pattern.compile("<img\\s[^>]*src=\"" + CHARTS + "/highlight/" + Pattern.quote(module) + "/[^\"/]+\\.svg\"")
                .matcher(html).find()) {
            problems.add(module + ": chapter " + chapter + " embeds no benchmark chart with " + module + " highlighted ("
                    + CHARTS + "/highlight/" + module + "/)");
        }
        return problems;
    }

    /**
     * Replaces {@code {name}} references to attributes the page or the shared header partial
     * defines ({@code :name: value}), so that an include written through a shortcut such as
     * {@code {main-src}} is recognised. {@code {src-root}} is set by the build and stays as it is.
     */
    private static String expandAttributes(String text) {
        Map<String, String> attributes = new TreeMap<>();
        Pattern definition = Pattern.compile("(?m)^:([\\w-]+):[ \\t]*(.*)$");
        for (String defs : List.of(read(source.resolve("_partials/header.adoc")), text)) {
            Matcher d = definition.matcher(defs);
            while (d.find()) {
                attributes.put(d.group(1), d.group(2).trim());
            }
        }
        String expanded = text;
        for (int pass = 0; pass < 5; pass++) { // attributes may refer to attributes
            for (Map.Entry<String, String> a : attributes.entrySet()) {
                expanded = expanded.replace("{" + a.getKey() + "}", a.getValue());
            }
        }
        return expanded;
    }

    /** Model modules listed in the parent pom, mapped to the chapter that teaches them. */
    private static Map<String, String> modelModules() throws IOException {
        Map<String, String> models = new TreeMap<>();
        Matcher m = MODULE.matcher(read(repoRoot.resolve("pom.xml")));
        while (m.find()) {
            String module = m.group(1).trim();
            if (!NOT_TAUGHT.contains(module) && Files.isRegularFile(repoRoot.resolve(module).resolve(MODEL_SERVICE))) {
                models.put(module, CHAPTER_OF.getOrDefault(module, module));
            }
        }
        return models;
    }

    @Test
    @DisplayName("every chart of the committed benchmark run is shown by some page of the site")
    void everyCommittedChartIsShown() throws IOException {
        Path committed = repoRoot.resolve("docs/results/charts");
        assertThat(committed).as("charts of the committed benchmark run").isDirectory();
        StringBuilder site = new StringBuilder();
        try (Stream<Path> pages = Files.walk(output)) {
            pages.filter(p -> p.toString().endsWith(".html") && !p.startsWith(output.resolve("results")))
                    .forEach(p -> site.append(read(p)));
        }
        List<String> unshown;
        try (Stream<Path> files = Files.list(committed)) {
            unshown = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".svg"))
                    .filter(n -> !site.toString().contains("src=\"" + CHARTS + "/" + n + "\""))
                    .sorted().toList();
        }
        assertThat(unshown).as("committed charts no page embeds").isEmpty();
    }

    /**
     * What a measured figure looks like in prose: a rate, a ratio, a percentile's value, a cost per
     * message, memory per connection, the run's noise. The docs quote such figures only through the
     * attributes of the committed runs' facts.adoc ({results-...}), which CommittedResultsTest in
     * comparison-bench regenerates from the results files: a figure typed by hand could be from no run.
     */
    private static final List<Pattern> MEASURED = List.of(
            Pattern.compile("\\d[\\d,.]*\\s*k?\\s*(?:msgs/s|messages/s|messages per second|messages a second)"),
            Pattern.compile("\\b\\d+\\.\\d+\\s?x\\b"),
            Pattern.compile("\\bp(?:50|90|99|99\\.9|99\\.99)\\b[^.;]{0,30}?\\b\\d+(?:\\.\\d+)?\\s*(?:ms|µs|us|s)\\b"),
            Pattern.compile("\\d[\\d,.]*\\s*(?:µs|us|microseconds)\\s+(?:of CPU\\s+)?per message"),
            Pattern.compile("\\d[\\d,.]*\\s*(?:B|bytes|KiB)\\s+of\\s+(?:heap|RSS)"),
            Pattern.compile("\\d[\\d,.]*\\s+(?:reads?|writes?|context switch(?:es)?|system calls?) (?:per|a) (?:message|command)"));

    @Test
    @DisplayName("no page types a measured figure by hand: rates, ratios, percentiles and costs are quoted from the committed results")
    void measuredFiguresComeFromTheResults() throws IOException {
        List<String> typed = new ArrayList<>();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path adoc : files.filter(p -> p.toString().endsWith(".adoc")).sorted().toList()) {
                for (Map.Entry<Integer, String> paragraph : proseParagraphs(Files.readAllLines(adoc, StandardCharsets.UTF_8)).entrySet()) {
                    String prose = paragraph.getValue().replaceAll("\\{[a-z0-9_-]+}", "FIGURE");
                    for (Pattern p : MEASURED) {
                        Matcher m = p.matcher(prose);
                        if (m.find()) {
                            typed.add(source.relativize(adoc) + ":" + paragraph.getKey() + ": '" + m.group() + "'");
                        }
                    }
                }
            }
        }
        assertThat(typed).as("figures typed by hand (quote {results-...} attributes from docs/results/facts.adoc instead)")
                .isEmpty();
    }

    /**
     * The prose of a page, paragraph by paragraph (lines joined, so a figure broken across two
     * lines is still seen), keyed by the paragraph's first line. Listings (----) and literal blocks
     * (....) show commands and their output, not claims, and comments are not shown: both are skipped.
     */
    static Map<Integer, String> proseParagraphs(List<String> lines) {
        Map<Integer, String> paragraphs = new TreeMap<>();
        String delimiter = null;
        StringBuilder current = new StringBuilder();
        int start = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String line = i < lines.size() ? lines.get(i) : "";
            boolean fence = line.matches("^(-{4,}|\\.{4,})\\s*$");
            if (delimiter != null) {
                if (fence && line.trim().equals(delimiter)) {
                    delimiter = null;
                }
                continue;
            }
            if (fence || line.isBlank() || line.startsWith("//")) {
                if (!current.isEmpty()) {
                    paragraphs.put(start, current.toString());
                    current.setLength(0);
                }
                if (fence) {
                    delimiter = line.trim();
                }
                continue;
            }
            if (current.isEmpty()) {
                start = i + 1;
            }
            current.append(current.isEmpty() ? "" : " ").append(line.trim());
        }
        return paragraphs;
    }

    /**
     * The order a reader takes through the site (the lead's plan). A page not written yet is
     * skipped; a page of the site missing from this list fails the test below.
     */
    private static final List<String> READING_ORDER = List.of("index", "protocol", "epoll-fundamentals",
            "thread-per-connection", "single-thread-reactor", "reactor-threadpool", "redis6-io-threads",
            "redis8-async-io-threads", "multi-reactor", "gev-side-by-side", "proactor-aio", "benchmark-method",
            "message-cost", "choosing-a-model", "glossary");
    /** A page's entry in nav.adoc: {@code . xref:protocol.adoc[Protocol and guarantees]}. */
    private static final Pattern NAV_ENTRY = Pattern.compile("xref:([\\w-]+)\\.adoc\\[");
    /** The previous/next paragraph that _partials/prev-next.adoc renders at the end of a page. */
    private static final Pattern PREV_NEXT = Pattern.compile("<div class=\"paragraph prev-next\">(.*?)</div>", Pattern.DOTALL);

    @Test
    @DisplayName("nav.adoc lists the pages in the reading order, and every page links to the page before and after it")
    void pagesFollowTheReadingOrder() throws IOException {
        // 1. The pages of this site, in the reading order.
        List<String> pages = pageSources().stream().map(p -> source.relativize(p).toString().replaceFirst("\\.adoc$", "")).toList();
        assertThat(READING_ORDER).as("pages of the site missing from the reading order").containsAll(pages);
        List<String> order = READING_ORDER.stream().filter(pages::contains).toList();

        // 2. The site-wide contents list them all, in that order.
        List<String> nav = new ArrayList<>();
        Matcher entry = NAV_ENTRY.matcher(read(source.resolve("_partials/nav.adoc")));
        while (entry.find()) {
            nav.add(entry.group(1));
        }
        assertThat(nav).as("pages in _partials/nav.adoc").containsExactlyElementsOf(order);

        // 3. Each rendered page ends with a link to the page before it (all but the first) and to
        //    the page after it (all but the last), and no other link, in its previous/next paragraph.
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            String page = order.get(i) + ".html";
            List<String> expected = new ArrayList<>();
            if (i > 0) {
                expected.add(order.get(i - 1) + ".html");
            }
            if (i < order.size() - 1) {
                expected.add(order.get(i + 1) + ".html");
            }
            Matcher block = PREV_NEXT.matcher(read(output.resolve(page)));
            if (!block.find()) {
                problems.add(page + ": no previous/next links (end it with include::_partials/prev-next.adoc[])");
                continue;
            }
            List<String> links = new ArrayList<>();
            Matcher href = HREF.matcher(block.group(1));
            while (href.find()) {
                links.add(href.group(1));
            }
            if (!links.equals(expected)) {
                problems.add(page + ": previous/next links " + links + ", expected " + expected);
            }
        }
        assertThat(problems).as("previous/next links in the reading order " + order).isEmpty();
    }

    private static List<Path> pageSources() throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            return files.filter(p -> p.toString().endsWith(".adoc"))
                    .filter(p -> !hasUnderscorePart(source.relativize(p)))
                    .sorted().toList();
        }
    }

    /** Asciidoctor skips files and folders whose name starts with an underscore (partials). */
    private static boolean hasUnderscorePart(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private static Path html(Path adoc) {
        String rel = source.relativize(adoc).toString();
        return output.resolve(rel.substring(0, rel.length() - ".adoc".length()) + ".html");
    }

    private static List<Path> renderedPages() throws IOException {
        try (Stream<Path> files = Files.walk(output)) {
            List<Path> pages = files.filter(p -> p.toString().endsWith(".html")).sorted().toList();
            assertThat(pages).isNotEmpty();
            return pages;
        }
    }

    private static boolean isExternal(String target) {
        return target.startsWith("http:") || target.startsWith("https:") || target.startsWith("data:")
                || target.startsWith("mailto:") || target.startsWith("//");
    }

    private static String strip(String target) {
        int cut = target.indexOf('#');
        int q = target.indexOf('?');
        if (q >= 0 && (cut < 0 || q < cut)) {
            cut = q;
        }
        return cut < 0 ? target : target.substring(0, cut);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
