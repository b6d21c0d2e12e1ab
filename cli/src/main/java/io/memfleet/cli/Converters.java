package io.memfleet.cli;

import io.memfleet.kernel.api.KernelConfig;
import io.memfleet.kernel.api.Units;
import picocli.CommandLine;

/** Flag values read with the project's one SIZE and DURATION parser, and kernel options checked when parsed. */
final class Converters {
    private Converters() {
    }

    /** A DURATION (500ms, 2s, 1m) in nanoseconds; must be positive. */
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
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration such as 500ms, 2s or 1m");
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
