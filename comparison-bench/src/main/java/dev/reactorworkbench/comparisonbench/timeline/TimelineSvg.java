package dev.reactorworkbench.comparisonbench.timeline;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a {@link Timeline} as one SVG: a lane per thread, a coloured span per step inside the
 * window (a step nested in another is drawn thinner, on top), a tick per instant (hand-off, wakeup,
 * accept, completion), arrows along the traced request, a time axis in microseconds, and beneath
 * the lanes each thread's share of the run per step with the step counts. Every timeline of the
 * same window length has the same scale, so an index can stack them.
 */
public final class TimelineSvg {

    static final int WIDTH = 1100;
    private static final int LABEL = 170;
    private static final int PLOT = WIDTH - LABEL - 20;
    private static final int TOP = 48;
    private static final int LANE = 24;
    private static final int LINE = 15;

    /** One colour per step, in {@link dev.reactorworkbench.servercore.trace.Trace#STEPS} order. */
    static final Map<String, String> COLOURS = Map.of(
            "Wait", "#d0d0d0", "Accept", "#8c564b", "Read", "#1f77b4", "Decode", "#17becf",
            "Handle", "#ff7f0e", "HandOff", "#9467bd", "Write", "#2ca02c", "Wakeup", "#e377c2",
            "FanOut", "#bcbd22", "Spin", "#7f7f7f");

    private TimelineSvg() {
    }

    public static String render(Timeline t) {
        List<String> threads = t.lanes();
        int lanesBottom = TOP + threads.size() * LANE;
        int legendY = lanesBottom + 28;
        int tableY = legendY + 26;
        int height = tableY + t.threads().size() * LINE + 12;
        String id = t.model().replaceAll("[^A-Za-z0-9-]", "-");
        StringBuilder svg = new StringBuilder(64 * 1024);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\">\n");
        svg.append("<title>").append(esc(t.model())).append(": what each thread did, ")
                .append(t.windowNanos() / 1000).append(" us of the steady state</title>\n");
        svg.append("<defs><marker id=\"arrow-").append(id).append("\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" ")
                .append("markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">")
                .append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#000\"/></marker></defs>\n");
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        TimelineSpec s = t.spec();
        svg.append(text(8, 16, "bold", esc(t.model()) + ": " + s.connections() + " connections, depth " + s.depth()
                + ", " + s.payload() + " B, " + s.workMicros() + " us of work per message"
                + (s.threads() > 0 ? ", --threads " + s.threads() : "")));
        axis(svg, t);
        // Lanes: name, background, then the spans (outer first, nested on top), then the instants.
        for (int i = 0; i < threads.size(); i++) {
            int y = TOP + i * LANE;
            svg.append("<rect x=\"").append(LABEL).append("\" y=\"").append(y).append("\" width=\"").append(PLOT)
                    .append("\" height=\"").append(LANE).append("\" fill=\"").append(i % 2 == 0 ? "#f7f7f7" : "#ffffff")
                    .append("\"/>\n");
            svg.append(text(LABEL - 6, y + LANE / 2 + 4, "end", esc(threads.get(i))));
        }
        long from = t.windowStart();
        long to = from + t.windowNanos();
        for (Span span : t.spans()) {
            if (span.end() < from || span.start() > to) {
                continue;
            }
            int lane = threads.indexOf(span.thread());
            if (lane < 0) {
                continue;
            }
            int y = TOP + lane * LANE;
            String colour = COLOURS.getOrDefault(span.step(), "#000");
            if (span.isInstant()) {
                double x = x(t, span.start());
                svg.append("<rect x=\"").append(f(x - 0.75)).append("\" y=\"").append(y + 1)
                        .append("\" width=\"1.5\" height=\"").append(LANE - 2).append("\" fill=\"").append(colour)
                        .append("\"><title>").append(describe(t, span)).append("</title></rect>\n");
                continue;
            }
            int inset = 2 + Math.min(t.depth(span), 3) * 3;
            double x0 = x(t, Math.max(span.start(), from));
            double x1 = x(t, Math.min(span.end(), to));
            svg.append("<rect x=\"").append(f(x0)).append("\" y=\"").append(y + inset).append("\" width=\"")
                    .append(f(Math.max(0.6, x1 - x0))).append("\" height=\"").append(LANE - 2 * inset)
                    .append("\" fill=\"").append(colour).append("\"><title>").append(describe(t, span))
                    .append("</title></rect>\n");
        }
        traced(svg, t, id);
        legend(svg, legendY);
        shares(svg, t, tableY);
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** The time axis along the top: ticks every 1, 2 or 5 times a power of ten microseconds. */
    private static void axis(StringBuilder svg, Timeline t) {
        long windowMicros = Math.max(1, t.windowNanos() / 1000);
        long step = niceAbove((windowMicros + 9) / 10); // about ten ticks
        svg.append(text(LABEL - 6, TOP - 8, "end", "us"));
        for (long us = 0; us <= windowMicros; us += step) {
            double x = LABEL + PLOT * (double) us / windowMicros;
            svg.append("<line x1=\"").append(f(x)).append("\" y1=\"").append(TOP - 4).append("\" x2=\"").append(f(x))
                    .append("\" y2=\"").append(TOP + t.lanes().size() * LANE).append("\" stroke=\"#ccc\" stroke-width=\"0.5\"/>\n");
            svg.append(text(x, TOP - 8, "middle", Long.toString(us)));
        }
    }

    /** The smallest of 1, 2, 5, 10, 20, 50... that is at least {@code n}. */
    static long niceAbove(long n) {
        long p = 1;
        while (true) {
            for (long m : new long[]{1, 2, 5}) {
                if (m * p >= n) {
                    return m * p;
                }
            }
            p *= 10;
        }
    }

    /** Arrows along the traced request, from the end of each step to the start of the next. */
    private static void traced(StringBuilder svg, Timeline t, String id) {
        List<Span> path = t.traced();
        if (path.isEmpty()) {
            return;
        }
        for (Span s : path) {
            int y = TOP + t.lanes().indexOf(s.thread()) * LANE;
            double x0 = x(t, s.start());
            double x1 = x(t, s.end());
            svg.append("<rect x=\"").append(f(x0 - 1)).append("\" y=\"").append(y + 1).append("\" width=\"")
                    .append(f(Math.max(2, x1 - x0 + 2))).append("\" height=\"").append(LANE - 2)
                    .append("\" fill=\"none\" stroke=\"#000\" stroke-width=\"1\"/>\n");
        }
        for (int i = 1; i < path.size(); i++) {
            Span a = path.get(i - 1);
            Span b = path.get(i);
            double ya = TOP + t.lanes().indexOf(a.thread()) * LANE + LANE / 2.0;
            double yb = TOP + t.lanes().indexOf(b.thread()) * LANE + LANE / 2.0;
            boolean across = !a.thread().equals(b.thread());
            svg.append("<line x1=\"").append(f(x(t, a.end()))).append("\" y1=\"").append(f(ya)).append("\" x2=\"")
                    .append(f(x(t, b.start()))).append("\" y2=\"").append(f(yb)).append("\" stroke=\"#000\" stroke-width=\"")
                    .append(across ? "1.5" : "1").append(across ? "" : "\" stroke-dasharray=\"3,2")
                    .append("\" marker-end=\"url(#arrow-").append(id).append(")\"/>\n");
        }
        Span first = path.getFirst();
        svg.append(text(LABEL + PLOT, TOP - 24, "end", "traced: request " + path.stream().mapToLong(Span::request)
                .max().orElse(0) + " of connection " + first.connection() + ", "
                + path.stream().map(Span::thread).distinct().count() + " thread(s)"));
    }

    private static void legend(StringBuilder svg, int y) {
        int x = LABEL;
        for (String step : Timeline.steps()) {
            svg.append("<rect x=\"").append(x).append("\" y=\"").append(y - 9).append("\" width=\"10\" height=\"10\" fill=\"")
                    .append(COLOURS.get(step)).append("\"/>");
            svg.append(text(x + 14, y, "start", step));
            x += 20 + step.length() * 7;
        }
        svg.append('\n');
    }

    /** Beneath the lanes: per thread, its share of the whole run in each step, and how many. */
    private static void shares(StringBuilder svg, Timeline t, int y) {
        svg.append(text(8, y - 8, "bold", "Over the whole run (" + t.runNanos() / 1_000_000 + " ms): share of time (count)"));
        for (int i = 0; i < t.threads().size(); i++) {
            String thread = t.threads().get(i);
            StringBuilder line = new StringBuilder();
            for (String step : Timeline.steps()) {
                long n = t.count(thread, step);
                if (n == 0) {
                    continue;
                }
                if (!line.isEmpty()) {
                    line.append(" · ");
                }
                line.append(step).append(' ');
                double share = t.share(thread, step);
                if (share > 0) {
                    line.append(String.format(Locale.ROOT, "%.1f%% ", share * 100));
                }
                line.append('(').append(n).append(')');
            }
            svg.append(text(LABEL - 6, y + i * LINE + 4, "end", esc(thread)));
            svg.append(text(LABEL, y + i * LINE + 4, "start", line.toString()));
        }
    }

    private static String describe(Timeline t, Span s) {
        StringBuilder d = new StringBuilder(s.step());
        if (s.what() != null) {
            d.append(' ').append(s.what());
        }
        if (s.connection() != 0) {
            d.append(", connection ").append(s.connection());
        }
        if (s.request() != 0) {
            d.append(", request ").append(s.request());
        }
        if (s.bytes() != 0) {
            d.append(", ").append(s.bytes()).append(" B");
        }
        if (s.count() > 1) {
            d.append(", count ").append(s.count());
        }
        d.append(String.format(Locale.ROOT, ", at %.1f us", (s.start() - t.windowStart()) / 1000.0));
        if (!s.isInstant()) {
            d.append(String.format(Locale.ROOT, " for %.1f us", s.duration() / 1000.0));
        }
        return esc(d.toString());
    }

    /** The x of a time, kept on the plot: a traced step outside the window is drawn at its edge. */
    private static double x(Timeline t, long nanos) {
        double x = LABEL + PLOT * (double) (nanos - t.windowStart()) / t.windowNanos();
        return Math.clamp(x, LABEL - 2, LABEL + PLOT + 2);
    }

    private static String text(double x, double y, String anchorOrWeight, String escaped) {
        String attrs = switch (anchorOrWeight) {
            case "bold" -> "font-weight=\"bold\"";
            default -> "text-anchor=\"" + anchorOrWeight + "\"";
        };
        return "<text x=\"" + f(x) + "\" y=\"" + f(y) + "\" " + attrs + ">" + escaped + "</text>\n";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
