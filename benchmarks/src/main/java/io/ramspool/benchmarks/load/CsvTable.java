package io.ramspool.benchmarks.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A table written as CSV (RFC 4180): a header line, then one line per row, fields separated by
 * commas, a field quoted when it holds a comma, a quote or a line break (quotes doubled inside),
 * lines ended by CRLF. Not thread-safe.
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

    private static void appendLine(StringBuilder csv, List<String> fields) {
        csv.append(fields.stream().map(CsvTable::escape).collect(Collectors.joining(","))).append("\r\n");
    }

    static String escape(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
        return field;
    }
}
