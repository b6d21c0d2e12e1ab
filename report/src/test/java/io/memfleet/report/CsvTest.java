package io.memfleet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The project's CSV dialect: bare ordinary fields and LF line ends, quoting only where RFC 4180 needs it. */
class CsvTest {
    private static String print(List<List<String>> rows) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (CSVPrinter out = Csv.printer(sb)) {
            for (List<String> row : rows) {
                out.printRecord(row);
            }
        }
        return sb.toString();
    }

    private static List<List<String>> parse(String text) throws Exception {
        try (CSVParser in = Csv.parser(new StringReader(text))) {
            return in.stream().map(CSVRecord::toList).toList();
        }
    }

    @Test
    void ordinaryFieldsAreBareAndLinesEndInLf() throws Exception {
        String text = print(List.of(List.of("cgroup", "metric", "unit"), List.of("/web", "usage max", "", "-12.5")));
        assertEquals("cgroup,metric,unit\n/web,usage max,,-12.5\n", text);
    }

    @Test
    void aFieldWithACommaAQuoteAndALineBreakRoundTrips() throws Exception {
        List<List<String>> rows = List.of(List.of("a", "b"), List.of("x,\"y\"\nz", "\r\n"), List.of("1", "2"));
        String text = print(rows);
        assertEquals("a,b\n\"x,\"\"y\"\"\nz\",\"\r\n\"\n1,2\n", text);
        assertEquals(rows, parse(text));
    }
}
