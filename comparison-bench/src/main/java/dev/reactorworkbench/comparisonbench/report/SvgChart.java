package dev.reactorworkbench.comparisonbench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's charts, written as plain SVG: bars with error bars, and latency spectra.
 * <ul>
 *   <li>Text is real {@code <text>} (selectable, searchable, a few KB), not glyph outlines.</li>
 *   <li>Every series is a group with the classes {@code series s-NAME}: a page that inlines the SVG
 *       can restyle one server; {@link #highlight(String)} writes the same chart with one server
 *       drawn strong and the others faded (the classes {@code highlighting} and {@code hl}).</li>
 *   <li>A server keeps its colour in every chart: the caller passes its index in the run's list of
 *       servers; 13 colours, and lines also differ by dash pattern.</li>
 *   <li>Log axes where values span decades (latency, memory); the latency spectrum's x axis is
 *       {@code log10(1 / (1 - p))}, so 50, 90, 99, 99.9 and 99.99 % are evenly spaced.</li>
 * </ul>
 * NOTE: written here rather than with a chart library: XChart draws text as glyph outlines
 * (300-500 KB per chart, no selectable text) and has neither log-scaled percentile axes nor CSS
 * classes per series; the two chart kinds the report needs fit in this one class.
 */
public final class SvgChart {

    /** 13 colours told apart on white (Tableau 10, then three dark ones); index = the server's place in the run. */
    static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
            "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#843c39"};
    /** Dash patterns of the lines, a second cue beside colour. */
    private static final String[] DASHES = {"", "8 4", "2 3", "10 3 2 3", "4 4", "12 4 2 4 2 4"};

    private static final int WIDTH = 960;
    private static final int HEIGHT = 520;
    private static final int LEFT = 84;
    private static final int TOP = 56;
    private static final int LEGEND = 250;
    private static final int BOTTOM = 64;

    /** One server's values: bars (one value per category) or a line (x, y pairs with optional error bars). */
    public record Series(String name, int colour, List<Figure> values) {
    }

    /** A latency spectrum line: {@code points} are (p, ms); {@code marks} are figures at fractions to draw with error bars. */
    public record Line(String name, int colour, List<double[]> points, List<double[]> marks) {
    }

    private final String title;
    private final String subtitle;
    private final String yTitle;
    private final boolean logY;
    private final List<String> categories;
    private final List<Series> bars;
    private final List<Line> lines;
    private final String xTitle;
    private String highlighted;

    private SvgChart(String title, String subtitle, String xTitle, String yTitle, boolean logY, List<String> categories,
                     List<Series> bars, List<Line> lines) {
        this.title = title;
        this.subtitle = subtitle;
        this.xTitle = xTitle;
        this.yTitle = yTitle;
        this.logY = logY;
        this.categories = categories;
        this.bars = bars;
        this.lines = lines;
    }

    /** Grouped bars: one group per category, one bar per series, each with its interval as an error bar. */
    public static SvgChart bars(String title, String subtitle, String xTitle, String yTitle, boolean logY,
                                List<String> categories, List<Series> series) {
        return new SvgChart(title, subtitle, xTitle, yTitle, logY, categories, series, List.of());
    }

    /** A latency spectrum: percentile on a log scale of 1/(1-p), latency in ms on a log scale. */
    public static SvgChart spectrum(String title, String subtitle, List<Line> lines) {
        return new SvgChart(title, subtitle, "percentile (log scale of 1 / (1 - p))", "latency (ms, log scale)", true,
                List.of(), List.of(), lines);
    }

    /** The same chart with {@code server} drawn strong and every other series faded. */
    public SvgChart highlight(String server) {
        SvgChart copy = new SvgChart(title, subtitle, xTitle, yTitle, logY, categories, bars, lines);
        copy.highlighted = server;
        return copy;
    }

    public List<String> seriesNames() {
        List<String> names = new ArrayList<>();
        bars.forEach(s -> names.add(s.name()));
        lines.forEach(l -> names.add(l.name()));
        return names;
    }

    public Path write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, svg());
        return file;
    }

    // --- drawing ---------------------------------------------------------------------------------

    String svg() {
        StringBuilder b = new StringBuilder();
        int plotW = WIDTH - LEFT - LEGEND;
        int plotH = HEIGHT - TOP - BOTTOM;
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" class=\"chart")
                .append(highlighted != null ? " highlighting" : "").append("\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\">\n")
                .append("<title>").append(esc(title)).append("</title>\n")
                .append("<style>text{font-size:13px;fill:#222}.title{font-size:17px;font-weight:bold}.sub{font-size:12px;fill:#555}")
                .append(".grid{stroke:#e4e4e4}.axis{stroke:#444}.err{stroke:#111;stroke-width:1.3}")
                .append(".highlighting .series{opacity:.25}.highlighting .series.hl{opacity:1}")
                .append(".highlighting .series.hl rect.bar{stroke:#000;stroke-width:1.5}")
                .append(".highlighting .series.hl polyline{stroke-width:4}.highlighting .series.hl text{font-weight:bold}</style>\n")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        b.append(text(LEFT, 24, "title", "start", title));
        if (subtitle != null && !subtitle.isEmpty()) {
            b.append(text(LEFT, 42, "sub", "start", subtitle));
        }
        Scale y = yScale(plotH);
        // 1. the y axis: grid lines and tick labels
        for (double t : y.ticks()) {
            double py = TOP + y.at(t);
            b.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>%n", LEFT, py, LEFT + plotW, py));
            b.append(text(LEFT - 6, py + 4, null, "end", logY ? plain(t) : tick(t)));
        }
        b.append(String.format(Locale.ROOT, "<text transform=\"translate(18,%d) rotate(-90)\" text-anchor=\"middle\">%s</text>%n",
                TOP + plotH / 2, esc(yTitle)));
        b.append(text(LEFT + plotW / 2.0, HEIGHT - 14, null, "middle", xTitle));
        // 2. the data
        if (lines.isEmpty()) {
            drawBars(b, y, plotW, plotH);
        } else {
            drawLines(b, y, plotW, plotH);
        }
        b.append(String.format(Locale.ROOT, "<path class=\"axis\" fill=\"none\" d=\"M%d %d V%d H%d\"/>%n", LEFT, TOP, TOP + plotH, LEFT + plotW));
        // 3. the legend, in the series' order
        List<String> names = seriesNames();
        int lx = WIDTH - LEGEND + 16;
        for (int i = 0; i < names.size(); i++) {
            int ly = TOP + 6 + i * 21;
            int colour = lines.isEmpty() ? bars.get(i).colour() : lines.get(i).colour();
            b.append(groupOpen(names.get(i)));
            if (lines.isEmpty()) {
                b.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>", lx, ly, colour(colour)));
            } else {
                b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s points=\"%d,%d %d,%d\"/>",
                        colour(colour), dash(colour), lx - 4, ly + 7, lx + 22, ly + 7));
            }
            b.append(text(lx + 28, ly + 12, null, "start", names.get(i))).append("</g>\n");
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private void drawBars(StringBuilder b, Scale y, int plotW, int plotH) {
        int groups = Math.max(1, categories.size());
        double groupW = (double) plotW / groups;
        double barW = groupW * 0.84 / Math.max(1, bars.size());
        for (int c = 0; c < categories.size(); c++) {
            b.append(text(LEFT + groupW * (c + 0.5), TOP + plotH + 20, null, "middle", categories.get(c)));
        }
        double base = TOP + plotH;
        for (int s = 0; s < bars.size(); s++) {
            Series series = bars.get(s);
            b.append(groupOpen(series.name()));
            for (int c = 0; c < categories.size() && c < series.values().size(); c++) {
                Figure f = series.values().get(c);
                if (!f.present() || (logY && f.value() <= 0)) {
                    continue; // no bar: not measured, or not drawable on a log axis (the table has the value)
                }
                double x = LEFT + groupW * c + groupW * 0.08 + barW * s;
                double top = TOP + y.at(f.value());
                b.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                        x, top, Math.max(1, barW - 1), Math.max(0, base - top), colour(series.colour())));
                errorBar(b, x + barW / 2, f, y, Math.min(4, barW / 3));
            }
            b.append("</g>\n");
        }
    }

    private void drawLines(StringBuilder b, Scale y, int plotW, int plotH) {
        Scale x = new Scale(Math.log10(2), 4, 0, plotW, true, false);
        for (double p : new double[]{0.5, 0.9, 0.99, 0.999, 0.9999}) {
            double px = LEFT + x.at(Math.log10(1 / (1 - p)));
            b.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>%n", px, TOP, px, TOP + plotH));
            b.append(text(px, TOP + plotH + 20, null, "middle", percent(p)));
        }
        for (Line line : lines) {
            b.append(groupOpen(line.name()));
            StringBuilder pts = new StringBuilder();
            for (double[] pt : line.points()) {
                if (pt[1] > 0 && !Double.isNaN(pt[1])) {
                    pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + x.at(Math.log10(1 / (1 - pt[0]))), TOP + y.at(pt[1])));
                }
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>",
                    colour(line.colour()), dash(line.colour()), pts.toString().trim()));
            for (double[] m : line.marks()) {
                double px = LEFT + x.at(Math.log10(1 / (1 - m[0])));
                Figure f = new Figure(m[1], m[2], m[3]);
                if (f.value() > 0) {
                    b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", px, TOP + y.at(f.value()),
                            colour(line.colour())));
                    errorBar(b, px, f, y, 3);
                }
            }
            b.append("</g>\n");
        }
    }

    private void errorBar(StringBuilder b, double x, Figure f, Scale y, double cap) {
        if (!f.hasInterval() || (logY && f.low() <= 0)) {
            return;
        }
        double lo = TOP + y.at(f.low());
        double hi = TOP + y.at(f.high());
        b.append(String.format(Locale.ROOT, "<path class=\"err\" d=\"M%.1f %.1f V%.1f M%.1f %.1f H%.1f M%.1f %.1f H%.1f\"/>",
                x, lo, hi, x - cap, lo, x + cap, x - cap, hi, x + cap));
    }

    /** The y scale over every value and interval end of the chart. */
    private Scale yScale(int plotH) {
        double min = Double.MAX_VALUE;
        double max = 0;
        List<Double> all = new ArrayList<>();
        for (Series s : bars) {
            for (Figure f : s.values()) {
                all.add(f.value());
                all.add(f.low());
                all.add(f.high());
            }
        }
        for (Line l : lines) {
            l.points().forEach(p -> all.add(p[1]));
            l.marks().forEach(m -> {
                all.add(m[1]);
                all.add(m[2]);
                all.add(m[3]);
            });
        }
        for (double v : all) {
            if (!Double.isNaN(v) && !Double.isInfinite(v) && (!logY || v > 0)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (max <= 0) {
            max = 1;
            min = logY ? 0.1 : 0;
        }
        if (logY) {
            return new Scale(Math.floor(Math.log10(min)), Math.ceil(Math.log10(max) + 1e-9), plotH, 0, true, true);
        }
        double step = niceStep(max / 5);
        return new Scale(0, Math.ceil(max * 1.05 / step) * step, plotH, 0, false, true).withStep(step);
    }

    /** A linear or log10 scale from data to pixels (log scales take and give exponents internally). */
    private static final class Scale {
        final double lo;
        final double hi;
        final double from;
        final double to;
        final boolean log;
        final boolean valuesAreData;   // at() takes data values (log applied here) rather than exponents
        double step;

        Scale(double lo, double hi, double from, double to, boolean log, boolean valuesAreData) {
            this.lo = lo;
            this.hi = hi == lo ? lo + 1 : hi;
            this.from = from;
            this.to = to;
            this.log = log;
            this.valuesAreData = valuesAreData;
        }

        Scale withStep(double step) {
            this.step = step;
            return this;
        }

        double at(double v) {
            double u = log && valuesAreData ? Math.log10(v) : v;
            return from + (u - lo) / (hi - lo) * (to - from);
        }

        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            if (log) {
                boolean fine = hi - lo <= 2;
                for (int e = (int) lo; e <= (int) hi; e++) {
                    t.add(Math.pow(10, e));
                    if (fine && e < hi) {
                        t.add(2 * Math.pow(10, e));
                        t.add(5 * Math.pow(10, e));
                    }
                }
            } else {
                for (double v = lo; v <= hi + step / 1000; v += step) {
                    t.add(v);
                }
            }
            return t;
        }
    }

    static double niceStep(double rough) {
        if (rough <= 0) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(rough)));
        double r = rough / mag;
        return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
    }

    /** A tick label: 0.001 ms, 20, 1.5k, 40k, 1M. */
    static String tick(double v) {
        if (v >= 1_000_000) {
            return trim(v / 1_000_000) + "M";
        }
        if (v >= 1_000) {
            return trim(v / 1_000) + "k";
        }
        return trim(v);
    }

    /** A log axis' label in its own unit: 0.1, 2, 1,000 (no k/M: 1k ms would read as a rate). */
    static String plain(double v) {
        return v >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : trim(v);
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        return s;
    }

    static String percent(double p) {
        return trim(p * 100) + " %";
    }

    private String groupOpen(String name) {
        boolean hl = name.equals(highlighted) || name.startsWith(highlighted + " (");
        return "<g class=\"series s-" + slug(name) + (highlighted != null && hl ? " hl" : "") + "\">";
    }

    static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    private static String colour(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    private static String dash(int i) {
        String d = DASHES[Math.floorMod(i, DASHES.length)];
        return d.isEmpty() ? "" : " stroke-dasharray=\"" + d + "\"";
    }

    private static String text(double x, double y, String cls, String anchor, String s) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\"%s text-anchor=\"%s\">%s</text>%n", x, y,
                cls == null ? "" : " class=\"" + cls + "\"", anchor, esc(s));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
