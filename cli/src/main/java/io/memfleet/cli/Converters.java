package io.memfleet.cli;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Units;
import picocli.CommandLine;

/** Flag values read with the project's one SIZE and DURATION parser, and kernel options checked when parsed. */
final class Converters {
    private Converters() {
    }

    /** A DURATION (500ms, 2s, 1m, 1h, 1d) in nanoseconds; must be positive. */
    static final class Duration implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                long ns = Units.parseDuration(value);
                if (ns > 0) {
                    return ns;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, 2s, 1m or 1h");
        }
    }

    /** A DURATION in nanoseconds, or 0 for none. */
    static final class DurationOrZero implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return value.trim().equals("0") ? 0L : new Duration().convert(value);
        }
    }

    /** An integer flag value within bounds, with an error that names the bounds. */
    abstract static class Bounded implements CommandLine.ITypeConverter<Integer> {
        private final long min;
        private final long max;
        private final String what;

        Bounded(long min, long max, String what) {
            this.min = min;
            this.max = max;
            this.what = what;
        }

        @Override
        public Integer convert(String value) {
            long v;
            try {
                v = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a number (" + what + ")");
            }
            if (v < min || v > max) {
                throw new CommandLine.TypeConversionException("'" + value + "' is out of range (" + what + ")");
            }
            return (int) v;
        }
    }

    /** A TCP port; 0 picks a free one. */
    static final class Port extends Bounded {
        Port() {
            super(0, 65535, "a port, 0 to 65535; 0 picks a free one");
        }
    }

    /** A TCP port, 0 for a free one, -1 for none. */
    static final class PortOrNone extends Bounded {
        PortOrNone() {
            super(-1, 65535, "a port, 0 to 65535; 0 picks a free one, -1 serves none");
        }
    }

    /** A count of at least one. */
    static final class Count extends Bounded {
        Count() {
            super(1, 100_000, "1 to 100000");
        }
    }

    /** A count that may be zero. */
    static final class CountOrZero extends Bounded {
        CountOrZero() {
            super(0, 100_000, "0 to 100000");
        }
    }

    /** A thread count, -1 for one per core. */
    static final class Threads extends Bounded {
        Threads() {
            super(-1, 4096, "1 to 4096 threads, -1 for one per core");
        }
    }

    /** Kernel options (nokmem, kmem-intended, ...), checked now so a typo never runs the default kernel. */
    static final class Kernel implements CommandLine.ITypeConverter<KernelConfig> {
        @Override
        public KernelConfig convert(String value) {
            try {
                return KernelConfig.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Kernel options kept as text (for experiments, whose files also name them). */
    static final class KernelText implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            new Kernel().convert(value);
            return value;
        }
    }
}
