package dev.reactorworkbench.comparisonbench.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one JSON mapper of the results and the report (Jackson): every file the bench writes and the
 * report reads ({@code results.json}, {@code latency.json}, {@code memory.json}) goes through it.
 * <ul>
 *   <li>Unknown fields are ignored: the files grow (the bench adds a field) without breaking
 *       an older reader.</li>
 *   <li>NaN is accepted both as JMH writes it (the string {@code "NaN"}) and bare.</li>
 *   <li>Output is indented: the committed results are read in diffs.</li>
 * </ul>
 */
public final class ReportJson {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private ReportJson() {
    }

    /** The tree of {@code json}; broken JSON is an {@link IllegalArgumentException} naming where it broke. */
    public static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
    }

    /**
     * {@code json} as plain Java values (maps, lists, strings, numbers, booleans, null), for code that
     * walks JMH's own results without a record of their shape.
     */
    public static Object plain(String json) {
        try {
            return MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
    }

    /** {@code node} as a {@code type}; a field of the wrong type is an {@link IllegalArgumentException}. */
    public static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unexpected JSON for " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@code value} (a record, a map, a tree) to {@code file}, indented. */
    public static void write(Path file, Object value) throws IOException {
        Files.writeString(file, text(value));
    }

    public static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
