package io.memfleet.workload.trace;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Rows of a trace file, read from bytes without a String per field: comma- or semicolon-separated
 * (with a header or without, double quotes around a field allowed, {@code ""} inside them for a
 * quote) or whitespace-separated columns, gzip compressed or plain (told by the file's first
 * bytes), CRLF or LF line ends, with or without a UTF-8 byte order mark. Empty lines and lines
 * starting with '#' are skipped; line numbers count every physical line, as an editor shows them.
 */
final class TraceReader implements Closeable {
    private static final int MAX_FIELDS = 4096;
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private final InputStream in;
    private byte[] buf = new byte[1 << 16];
    private int len;
    private int pos;
    private boolean eof;
    private int lineNo;
    /** The field separator: ',' or ';', or ' ' for runs of spaces and tabs; 0 until the first row tells. */
    private byte sep;
    private int lineStart;
    private int lineEnd;
    private final int[] from = new int[MAX_FIELDS];
    private final int[] to = new int[MAX_FIELDS];
    /** Whether field i was quoted and held a doubled quote, to read as one. */
    private final boolean[] escaped = new boolean[MAX_FIELDS];
    private int fields;

    TraceReader(Path file) throws IOException {
        this(file, (byte) 0);
    }

    /** A reader with a fixed separator (',', ';' or ' '), or 0 to tell it from the first row. */
    TraceReader(Path file, byte separator) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        this.in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
        this.sep = separator;
    }

    /** Moves to the next row; false at the end of the file. */
    boolean next() throws IOException {
        while (true) {
            if (!nextLine()) {
                return false;
            }
            lineNo++;
            if (lineNo == 1 && lineEnd - lineStart >= 3 && buf[lineStart] == (byte) 0xef
                    && buf[lineStart + 1] == (byte) 0xbb && buf[lineStart + 2] == (byte) 0xbf) {
                lineStart += 3; // a UTF-8 byte order mark, as spreadsheets write
            }
            if (lineEnd > lineStart && buf[lineEnd - 1] == '\r') {
                lineEnd--;
            }
            int first = lineStart;
            while (first < lineEnd && (buf[first] == ' ' || buf[first] == '\t')) {
                first++;
            }
            if (first == lineEnd || buf[first] == '#') {
                continue;
            }
            if (sep == 0) {
                sep = indexOf((byte) ',', first, lineEnd) >= 0 ? (byte) ','
                        : indexOf((byte) ';', first, lineEnd) >= 0 ? (byte) ';' : (byte) ' ';
            }
            split(first);
            return true;
        }
    }

    /** Finds the next line in the buffer (refilling it); false at the end. */
    private boolean nextLine() throws IOException {
        while (true) {
            int nl = indexOf((byte) '\n', pos, len);
            if (nl >= 0) {
                lineStart = pos;
                lineEnd = nl;
                pos = nl + 1;
                return true;
            }
            if (eof) {
                if (pos < len) {
                    lineStart = pos;
                    lineEnd = len;
                    pos = len;
                    return true;
                }
                return false;
            }
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, len - pos);
                len -= pos;
                pos = 0;
            } else if (len == buf.length) {
                byte[] bigger = new byte[buf.length * 2];
                System.arraycopy(buf, 0, bigger, 0, len);
                buf = bigger;
            }
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                eof = true;
            } else {
                len += n;
            }
        }
    }

    private int indexOf(byte b, int start, int end) {
        for (int i = start; i < end; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private void split(int start) {
        fields = 0;
        if (sep == ' ') {
            splitWhitespace(start);
            return;
        }
        int i = start;
        while (fields < MAX_FIELDS) {
            int s = i;
            int e;
            escaped[fields] = false;
            if (i < lineEnd && buf[i] == '"') {
                int q = closingQuote(i + 1);
                s = i + 1;
                e = q;
                i = Math.min(lineEnd, q + 1);
                while (i < lineEnd && buf[i] != sep) {
                    i++;
                }
            } else {
                while (i < lineEnd && buf[i] != sep) {
                    i++;
                }
                e = i;
            }
            int ts = trimStart(s, e);
            from[fields] = ts;
            to[fields++] = trimEnd(ts, e);
            if (i >= lineEnd) {
                return;
            }
            i++;
        }
    }

    /** The quote that ends a quoted field starting at {@code i} ({@code ""} is a quote inside it), or the line's end. */
    private int closingQuote(int i) {
        while (i < lineEnd) {
            if (buf[i] == '"') {
                if (i + 1 < lineEnd && buf[i + 1] == '"') {
                    escaped[fields] = true;
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        return lineEnd;
    }

    private void splitWhitespace(int start) {
        int i = start;
        while (i < lineEnd && fields < MAX_FIELDS) {
            while (i < lineEnd && (buf[i] == ' ' || buf[i] == '\t')) {
                i++;
            }
            if (i == lineEnd) {
                return;
            }
            int s = i;
            while (i < lineEnd && buf[i] != ' ' && buf[i] != '\t') {
                i++;
            }
            escaped[fields] = false;
            from[fields] = s;
            to[fields++] = i;
        }
    }

    private int trimStart(int s, int e) {
        while (s < e && (buf[s] == ' ' || buf[s] == '\t')) {
            s++;
        }
        return s;
    }

    private int trimEnd(int s, int e) {
        while (e > s && (buf[e - 1] == ' ' || buf[e - 1] == '\t')) {
            e--;
        }
        return e;
    }

    int fields() {
        return fields;
    }

    int line() {
        return lineNo;
    }

    /** Field {@code i} as text ({@code ""} in a quoted field read as one quote). */
    String field(int i) {
        String f = new String(buf, from[i], to[i] - from[i], StandardCharsets.UTF_8);
        return escaped[i] ? f.replace("\"\"", "\"") : f;
    }

    /** Whether field {@code i} is empty (or absent: the row has fewer fields). */
    boolean empty(int i) {
        return i >= fields || from[i] == to[i];
    }

    /**
     * Field {@code i} as a number: decimal digits with an optional sign, point and exponent, at
     * most 18 significant digits kept (the same bytes always give the same value); NaN if it is
     * not a number.
     */
    double number(int i) {
        int p = from[i];
        int e = to[i];
        if (p == e) {
            return Double.NaN;
        }
        boolean neg = false;
        if (buf[p] == '-' || buf[p] == '+') {
            neg = buf[p] == '-';
            p++;
        }
        long mant = 0;
        int digits = 0;
        int scale = 0;
        boolean any = false;
        boolean point = false;
        for (; p < e; p++) {
            byte c = buf[p];
            if (c >= '0' && c <= '9') {
                any = true;
                if (digits < 18) {
                    if (mant != 0 || c != '0') {
                        digits++;
                    }
                    mant = mant * 10 + (c - '0');
                    if (point) {
                        scale--;
                    }
                } else if (!point) {
                    scale++;
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (!any) {
            return Double.NaN;
        }
        if (p < e) {
            if (buf[p] != 'e' && buf[p] != 'E') {
                return Double.NaN;
            }
            p++;
            boolean eneg = false;
            if (p < e && (buf[p] == '-' || buf[p] == '+')) {
                eneg = buf[p] == '-';
                p++;
            }
            int x = 0;
            boolean xd = false;
            for (; p < e && buf[p] >= '0' && buf[p] <= '9'; p++) {
                x = Math.min(10_000, x * 10 + (buf[p] - '0'));
                xd = true;
            }
            if (!xd || p < e) {
                return Double.NaN;
            }
            scale += eneg ? -x : x;
        }
        double v = mant;
        if (scale > 0) {
            v = scale < POW10.length ? v * POW10[scale] : v * Math.pow(10, scale);
        } else if (scale < 0) {
            v = -scale < POW10.length ? v / POW10[-scale] : v / Math.pow(10, -scale);
        }
        return neg ? -v : v;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
