package dev.reactorworkbench.comparisonbench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One load of the comparison: {@code connections} connections, {@code payload} bytes per request,
 * the handler burning {@code work} microseconds per message.
 */
public record Shape(int connections, int payload, int work) {

    /**
     * The full run's grid: five shapes that each show something, rather than every combination.
     * 64 connections of small messages (the common case); 1,024 (many connections); 1,024 of 4 KiB
     * (bytes, not calls); 1,024 with 20 us of handler work (where a worker pool should pay off);
     * one connection (latency of a single conversation, and the cost of a hand-off).
     */
    public static final List<Shape> FULL = List.of(new Shape(64, 64, 0), new Shape(1024, 64, 0),
            new Shape(1024, 4096, 0), new Shape(1024, 64, 20), new Shape(1, 64, 0));
    /** {@code compare --quick}: the first of them. */
    public static final List<Shape> QUICK = List.of(FULL.getFirst());

    public Shape {
        if (connections < 1 || payload < 0 || work < 0) {
            throw new IllegalArgumentException("a load needs connections >= 1, payload >= 0, work >= 0; was " + this);
        }
    }

    /** Every combination of the values given (the {@code --connections/--payload/--work} lists). */
    public static List<Shape> grid(List<Integer> connections, List<Integer> payloads, List<Integer> works) {
        List<Shape> shapes = new ArrayList<>();
        for (int c : connections) {
            for (int p : payloads) {
                for (int w : works) {
                    shapes.add(new Shape(c, p, w));
                }
            }
        }
        return shapes;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d x %d B x %d us", connections, payload, work);
    }
}
