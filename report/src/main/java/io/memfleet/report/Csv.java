package io.memfleet.report;

import java.io.IOException;
import java.io.Reader;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;

/**
 * The one CSV dialect of the files memfleet writes and reads back ({@code series.csv},
 * {@code slabs.csv}, {@code compare.csv}), through Apache Commons CSV: RFC 4180 with LF line ends,
 * a field quoted only when it must be (a comma, a quote or a line break in it, or a leading or
 * trailing character a reader could take for something else), blank lines skipped on reading.
 * A field reads back as it was written, a line break inside it included.
 */
public final class Csv {
    /** RFC 4180 with '\n' line ends; blank lines are skipped on reading. */
    public static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setRecordSeparator('\n')
            .setIgnoreEmptyLines(true)
            .get();

    private Csv() {
    }

    /** A printer of {@link #FORMAT} records onto {@code out}; closing it closes {@code out}. */
    public static CSVPrinter printer(Appendable out) throws IOException {
        return new CSVPrinter(out, FORMAT);
    }

    /** A parser of {@link #FORMAT} records from {@code in}; closing it closes {@code in}. */
    public static CSVParser parser(Reader in) throws IOException {
        return CSVParser.builder().setReader(in).setFormat(FORMAT).get();
    }
}
