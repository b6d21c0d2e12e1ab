package io.memfleet.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The kernel is a pure simulation core (STYLE.md): no I/O, no wall clock, no unseeded randomness,
 * no threads. This scans the main sources so the build fails when one creeps in.
 */
class KernelPurityTest {
    private static final Pattern FORBIDDEN = Pattern.compile(
            "import java\\.(io|net)\\.|import java\\.nio\\.(?!charset\\.)|import java\\.util\\.concurrent|System\\.(currentTimeMillis|nanoTime|out|err|in)"
                    + "|new Random\\(\\)|Math\\.random|Thread\\.|Instant\\.now|LocalDateTime|ThreadLocalRandom");

    @Test
    void kernelSourcesUseNoIoClockThreadsOrUnseededRandomness() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    if (FORBIDDEN.matcher(lines.get(i)).find()) {
                        violations.add(p + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
