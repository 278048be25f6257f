package io.ramspool.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A table written as CSV (RFC 4180): a header line, then one line per row, fields separated by
 * commas, a field quoted when it holds a comma, a quote or a line break (quotes doubled inside),
 * lines ended by CRLF; and read back, so that a run's chart can be drawn again from its files.
 * Not thread-safe.
 */
public final class CsvTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public CsvTable(List<String> header) {
        this.header = List.copyOf(header);
    }

    /** @throws IllegalArgumentException when the row has not as many fields as the header */
    public void add(List<String> row) {
        if (row.size() != header.size()) {
            throw new IllegalArgumentException("row has " + row.size() + " fields, header has " + header.size()
                + ": " + row);
        }
        rows.add(List.copyOf(row));
    }

    public int size() {
        return rows.size();
    }

    public String toCsv() {
        StringBuilder csv = new StringBuilder();
        appendLine(csv, header);
        rows.forEach(row -> appendLine(csv, row));
        return csv.toString();
    }

    /** Writes the table to {@code file}, replacing it, creating its directory if needed. */
    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, toCsv(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Reads a file written by {@link #write}: one map per row, from column name to field.
     *
     * @throws IllegalArgumentException when a row has not as many fields as the header
     */
    public static List<Map<String, String>> read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static List<Map<String, String>> parse(String csv) {
        List<List<String>> lines = split(csv);
        if (lines.isEmpty()) {
            return List.of();
        }
        List<String> names = lines.get(0);
        List<Map<String, String>> rows = new ArrayList<>();
        for (List<String> fields : lines.subList(1, lines.size())) {
            if (fields.size() != names.size()) {
                throw new IllegalArgumentException("row has " + fields.size() + " fields, header has " + names.size()
                    + ": " + fields);
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                row.put(names.get(i), fields.get(i));
            }
            rows.add(row);
        }
        return rows;
    }

    /** The lines of {@code csv} split into fields, quotes undone; a line break inside quotes stays in its field. */
    private static List<List<String>> split(String csv) {
        Splitter splitter = new Splitter();
        for (int i = 0; i < csv.length(); i++) {
            i = splitter.accept(csv, i);
        }
        return splitter.finish();
    }

    private static void appendLine(StringBuilder csv, List<String> fields) {
        csv.append(fields.stream().map(CsvTable::escape).collect(Collectors.joining(","))).append("\r\n");
    }

    static String escape(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }

    /** The state of {@link #split}: the lines so far, the fields of the current line, the current field. */
    private static final class Splitter {
        private final List<List<String>> lines = new ArrayList<>();
        private List<String> fields = new ArrayList<>();
        private final StringBuilder field = new StringBuilder();
        private boolean quoted;

        /** Takes the character at {@code i}; returns the index of the last one used (a doubled quote uses two). */
        int accept(String csv, int i) {
            char c = csv.charAt(i);
            if (quoted) {
                return acceptQuoted(csv, i, c);
            }
            if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                endField();
            } else if (c == '\n') {
                endLine();
            } else if (c != '\r') {
                field.append(c);
            }
            return i;
        }

        private int acceptQuoted(String csv, int i, char c) {
            if (c != '"') {
                field.append(c);
                return i;
            }
            if (i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                field.append('"');
                return i + 1;
            }
            quoted = false;
            return i;
        }

        private void endField() {
            fields.add(field.toString());
            field.setLength(0);
        }

        private void endLine() {
            endField();
            lines.add(fields);
            fields = new ArrayList<>();
        }

        List<List<String>> finish() {
            if (field.length() > 0 || !fields.isEmpty()) {
                endLine();
            }
            return lines;
        }
    }
}
