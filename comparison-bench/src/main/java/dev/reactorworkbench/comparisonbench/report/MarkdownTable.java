package dev.reactorworkbench.comparisonbench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of the report, written once as Markdown (GitHub's table syntax); the HTML page is that
 * same Markdown rendered by commonmark, so the two cannot hold different tables.
 */
final class MarkdownTable {

    private final List<String> header;
    private final boolean[] right;          // right-aligned (numeric) columns
    private final List<List<String>> rows = new ArrayList<>();

    /** Column names; a name starting with {@code >} is right-aligned (the {@code >} is dropped). */
    MarkdownTable(List<String> columns) {
        this.header = new ArrayList<>();
        this.right = new boolean[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            right[i] = c.startsWith(">");
            header.add(right[i] ? c.substring(1) : c);
        }
    }

    MarkdownTable row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("row of " + cells.size() + " cells for " + header.size() + " columns: " + cells);
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    String markdown() {
        StringBuilder b = new StringBuilder();
        line(b, header);
        b.append('|');
        for (boolean r : right) {
            b.append(r ? "---:|" : "---|");
        }
        b.append('\n');
        rows.forEach(r -> line(b, r));
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells) {
        b.append('|');
        for (String c : cells) {
            // A pipe would end the cell; a newline would end the table.
            b.append(' ').append(c.replace("|", "/").replace('\n', ' ')).append(" |");
        }
        b.append('\n');
    }
}
