package dev.reactorworkbench.comparisonbench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One load of the comparison: {@code connections} connections, {@code payload} bytes per request,
 * the handler burning {@code work} microseconds per message, {@code depth} requests in flight on
 * each connection (1: one request, then its reply; more: pipelined, so one read can bring several
 * frames and one write carry several replies).
 */
public record Shape(int connections, int payload, int work, int depth) {

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

    /** The largest {@code depth}: a load generator's in-flight ring per connection, not a server limit. */
    public static final int MAX_DEPTH = 1024;

    public Shape {
        if (connections < 1 || payload < 0 || work < 0 || depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("a load needs connections >= 1, payload >= 0, work >= 0, depth 1.."
                    + MAX_DEPTH + "; was " + connections + " connections, " + payload + " B, " + work + " us, depth " + depth);
        }
    }

    /** One request in flight per connection. */
    public Shape(int connections, int payload, int work) {
        this(connections, payload, work, 1);
    }

    /** Every combination of the values given (the {@code --connections/--payload/--work} lists), depth 1. */
    public static List<Shape> grid(List<Integer> connections, List<Integer> payloads, List<Integer> works) {
        return grid(connections, payloads, works, List.of(1));
    }

    /** Every combination of the values given (the {@code --connections/--payload/--work/--depth} lists). */
    public static List<Shape> grid(List<Integer> connections, List<Integer> payloads, List<Integer> works,
                                   List<Integer> depths) {
        List<Shape> shapes = new ArrayList<>();
        for (int c : connections) {
            for (int p : payloads) {
                for (int w : works) {
                    for (int d : depths) {
                        shapes.add(new Shape(c, p, w, d));
                    }
                }
            }
        }
        return shapes;
    }

    /** {@code 64 x 64 B x 0 us}, and {@code x depth 16} when pipelined. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d x %d B x %d us", connections, payload, work)
                + (depth == 1 ? "" : " x depth " + depth);
    }
}
