package dev.reactorworkbench.comparisonbench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The memory scenario's results as written by {@code ./workbench compare}:
 * {@code {"machine": ..., "rows": [{"server", "connections", "heapPerConnectionBytes", ...}]}}.
 */
public record MemoryResults(Map<String, Object> machine, List<Row> rows) {

    public record Row(String server, int connections, double heapPerConnection, double rssPerConnection,
                      int threadsBefore, int threadsAfter) {
    }

    public static MemoryResults read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    public static MemoryResults parse(String json) {
        if (!(Json.parse(json) instanceof Map<?, ?> doc) || !(doc.get("rows") instanceof List<?> list)) {
            throw new IllegalArgumentException("expected an object with a \"rows\" array (the memory scenario's file)");
        }
        List<Row> rows = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> r = (Map<String, Object>) o;
            rows.add(new Row((String) r.get("server"), num(r, "connections").intValue(),
                    num(r, "heapPerConnectionBytes").doubleValue(), num(r, "rssPerConnectionBytes").doubleValue(),
                    num(r, "threadsBefore").intValue(), num(r, "threadsAfter").intValue()));
        }
        Map<String, Object> machine = doc.get("machine") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return new MemoryResults(machine, rows);
    }

    private static Number num(Map<String, Object> r, String key) {
        Object v = r.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("memory row without a number for \"" + key + "\": " + r);
        }
        return n;
    }
}
