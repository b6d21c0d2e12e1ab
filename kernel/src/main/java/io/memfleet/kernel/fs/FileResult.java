package io.memfleet.kernel.fs;

import io.memfleet.kernel.api.Errno;


/** The outcome of reading or writing a control file: text on a successful read, else an errno. */
public record FileResult(Errno errno, String text) {
    public static final FileResult OK = new FileResult(Errno.OK, "");

    public static FileResult of(Errno e) {
        return e == Errno.OK ? OK : new FileResult(e, "");
    }

    public static FileResult text(String s) {
        return new FileResult(Errno.OK, s);
    }
}
