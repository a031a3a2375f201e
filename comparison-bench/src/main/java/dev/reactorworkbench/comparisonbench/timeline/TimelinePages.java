package dev.reactorworkbench.comparisonbench.timeline;

import dev.reactorworkbench.comparisonbench.report.ReportJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static dev.reactorworkbench.comparisonbench.timeline.TimelineSvg.esc;

/**
 * Writes a timeline's files: {@code MODEL.svg}, {@code MODEL.json} and {@code MODEL.html} (the SVG
 * inline, then per thread the share of time in each step and the counts, in a table; no script, no
 * link to anything outside the page), and for {@code --all} an {@code index.html} that stacks every
 * model's SVG at the same scale.
 */
public final class TimelinePages {

    private static final String STYLE = "<style>body{font-family:sans-serif;margin:16px;color:#222}"
            + "table{border-collapse:collapse;font-size:12px;margin:8px 0 24px}"
            + "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
            + "td:first-child,th:first-child{text-align:left}svg{display:block}</style>";

    private TimelinePages() {
    }

    /** Writes {@code MODEL.svg}, {@code MODEL.json} and {@code MODEL.html} into {@code dir}; returns the SVG. */
    public static String write(Timeline t, Path dir) throws IOException {
        Files.createDirectories(dir);
        String svg = TimelineSvg.render(t);
        Files.writeString(dir.resolve(t.model() + ".svg"), svg, StandardCharsets.UTF_8);
        ReportJson.write(dir.resolve(t.model() + ".json"), t.toJson());
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Timeline: "
                + esc(t.model()) + "</title>" + STYLE + "</head><body>\n<h1>" + esc(t.model()) + "</h1>\n"
                + "<p>" + t.windowNanos() / 1000 + " us from the middle of a " + t.spec().duration().toMillis()
                + " ms run, recorded with JDK Flight Recorder. Hover a span for its connection, request and bytes.</p>\n"
                + svg + table(t) + "</body></html>\n";
        Files.writeString(dir.resolve(t.model() + ".html"), html, StandardCharsets.UTF_8);
        return svg;
    }

    /** The {@code --all} page: every model's timeline, one above another, the same scale for all. */
    public static void writeIndex(List<Timeline> all, Path dir) throws IOException {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Timelines of every model</title>" + STYLE + "</head><body>\n<h1>Where the work runs</h1>\n"
                + "<p>Each model under the same load, " + (all.isEmpty() ? 0 : all.getFirst().windowNanos() / 1000)
                + " us of its steady state, all at the same scale.</p>\n");
        for (Timeline t : all) {
            html.append("<h2><a href=\"").append(esc(t.model())).append(".html\">").append(esc(t.model()))
                    .append("</a></h2>\n").append(TimelineSvg.render(t));
        }
        html.append("</body></html>\n");
        Files.writeString(dir.resolve("index.html"), html.toString(), StandardCharsets.UTF_8);
    }

    private static String table(Timeline t) {
        StringBuilder h = new StringBuilder("<h2>Per thread, over the whole run</h2>\n<table><tr><th>thread</th>");
        List<String> steps = Timeline.steps();
        for (String step : steps) {
            h.append("<th>").append(step).append("</th>");
        }
        h.append("</tr>\n");
        for (String thread : t.threads()) {
            h.append("<tr><td>").append(esc(thread)).append("</td>");
            for (String step : steps) {
                long n = t.count(thread, step);
                h.append("<td>");
                if (n > 0) {
                    double share = t.share(thread, step);
                    h.append(share > 0 ? String.format(Locale.ROOT, "%.1f%% ", share * 100) : "").append('(').append(n).append(')');
                }
                h.append("</td>");
            }
            h.append("</tr>\n");
        }
        return h.append("</table>\n<p>Share: the thread's own time in the step (a step nested in another counts for the"
                + " inner one) over the run; in brackets, how many times it did the step.</p>\n").toString();
    }
}
