package io.ramspool.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {
    @TempDir
    Path directory;

    @Test
    void toCsvShouldWriteTheHeaderThenTheRowsWithCrlf() {
        CsvTable testee = new CsvTable(List.of("target", "msg_per_s"));
        testee.add(List.of("ramspool", "1234.5"));

        String csv = testee.toCsv();

        assertThat(csv).isEqualTo("target,msg_per_s\r\nramspool,1234.5\r\n");
    }

    @Test
    void toCsvShouldQuoteAFieldWhenItHoldsACommaLikeASizeMix() {
        CsvTable testee = new CsvTable(List.of("size_mix"));
        testee.add(List.of("1KiB:70,10KiB:30"));

        String csv = testee.toCsv();

        assertThat(csv).isEqualTo("size_mix\r\n\"1KiB:70,10KiB:30\"\r\n");
    }

    @Test
    void toCsvShouldDoubleQuotesWhenAFieldHoldsThem() {
        CsvTable testee = new CsvTable(List.of("note"));
        testee.add(List.of("said \"hi\""));

        String csv = testee.toCsv();

        assertThat(csv).isEqualTo("note\r\n\"said \"\"hi\"\"\"\r\n");
    }

    @Test
    void toCsvShouldQuoteAFieldWhenItHoldsALineBreak() {
        assertThat(CsvTable.escape("two\nlines")).isEqualTo("\"two\nlines\"");
    }

    @Test
    void addShouldFailWhenTheRowHasNotAsManyFieldsAsTheHeader() {
        CsvTable testee = new CsvTable(List.of("a", "b"));

        assertThatThrownBy(() -> testee.add(List.of("only one")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("1 fields, header has 2");
    }

    @Test
    void writeShouldCreateTheDirectoryWhenItIsMissing() throws Exception {
        CsvTable testee = new CsvTable(List.of("a"));
        testee.add(List.of("1"));
        Path file = directory.resolve("nested/out.csv");

        testee.write(file);

        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("a\r\n1\r\n");
    }

    @Test
    void loadResultRowShouldHaveAFieldPerColumnAndLeaveMissingLatenciesEmpty() {
        LoadPlan plan = new LoadPlan(100, 8, SizeMix.parse("1k:1,2k:1"), 0);
        LoadResult result = new LoadResult("comparison", "ramspool", 1, plan, 2.0, 1.0, 100, 90, 0, 0,
            Percentiles.NONE, 4, 0.18);
        CsvTable testee = new CsvTable(LoadResult.COLUMNS);

        testee.add(result.toCsvRow());

        assertThat(testee.toCsv())
            .endsWith("ramspool,1,100,8,\"1KiB:1,2KiB:1\",2.000,45.0,,,,90,10,0,0,100.0,4,2.000,0.09\r\n");
    }

    @Test
    void readShouldGiveBackWhatWriteWroteWhenFieldsHoldCommasQuotesAndLineBreaks() {
        CsvTable testee = new CsvTable(List.of("target", "size_mix", "note"));
        testee.add(List.of("ramspool", "1KiB:70,10KiB:30", "said \"hi\"\non two lines"));
        Path file = directory.resolve("round-trip.csv");
        testee.write(file);

        List<Map<String, String>> rows = CsvTable.read(file);

        assertThat(rows).containsExactly(Map.of("target", "ramspool", "size_mix", "1KiB:70,10KiB:30",
            "note", "said \"hi\"\non two lines"));
    }

    @Test
    void loadResultShouldSurviveACsvRoundTripWhenRead() {
        LoadPlan plan = new LoadPlan(1004, 8, SizeMix.parse("1k:1,2k:1"), 0);
        LoadResult result = new LoadResult("size", "stock-memory", 2, plan, 4.0, 2.0, 1002, 1000, 1, 0,
            new Percentiles(1.5, 20.0, 300.0), 8, 1.5);
        CsvTable table = new CsvTable(LoadResult.COLUMNS);
        table.add(result.toCsvRow());

        LoadResult read = LoadResult.fromCsvRow("size", CsvTable.parse(table.toCsv()).get(0));

        assertThat(read.toCsvRow()).isEqualTo(result.toCsvRow());
    }
}
