package dev.reactorworkbench.comparisonbench.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory scenario's results as written by {@code ./workbench compare}:
 * {@code {"machine": ..., "rows": [{"server", "connections", "heapPerConnectionBytes", ...}]}}.
 */
public record MemoryResults(Map<String, Object> machine, List<Row> rows) {

    /** One server holding N idle connections; the per-connection figures are (with - without) / N. */
    public record Row(String server, int connections, double heapPerConnectionBytes, double rssPerConnectionBytes,
                      int threadsBefore, int threadsAfter) {
    }

    public static MemoryResults read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    public static MemoryResults parse(String json) {
        JsonNode doc = ReportJson.tree(json);
        if (!doc.isObject() || !doc.path("rows").isArray()) {
            throw new IllegalArgumentException("expected an object with a \"rows\" array (the memory scenario's file)");
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode n : doc.get("rows")) {
            for (String field : List.of("server", "connections", "heapPerConnectionBytes", "rssPerConnectionBytes")) {
                if (!n.hasNonNull(field)) {
                    throw new IllegalArgumentException("memory row without \"" + field + "\": " + n);
                }
            }
            rows.add(ReportJson.convert(n, Row.class));
        }
        Map<String, Object> machine = doc.path("machine").isObject()
                ? ReportJson.MAPPER.convertValue(doc.get("machine"), LinkedHashMap.class) : Map.of();
        return new MemoryResults(machine, List.copyOf(rows));
    }
}
