package io.memfleet.kernel;

import io.memfleet.kernel.api.KernelConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.kernel.script.ScriptRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every `.msim` case with its `.out`: the public cases in ../shared/conformance and the project's
 * own in src/test/resources/conformance. Output must match byte for byte.
 */
class ConformanceTest {
    private static Path sharedDir() {
        return Path.of(System.getProperty("memfleet.conformance.dir", "../../shared/conformance"));
    }

    private static Path ownDir() {
        return Path.of("src/test/resources/conformance");
    }

    @TestFactory
    Stream<DynamicTest> publicCasesInSharedConformance() throws IOException {
        Path dir = sharedDir();
        if (!Files.isDirectory(dir)) {
            // one skipped test rather than an aborted factory, which Surefire neither counts nor reports
            return Stream.of(DynamicTest.dynamicTest("public cases", () -> Assumptions.assumeTrue(false,
                    dir.toAbsolutePath() + " not found: conformance cases live in ../shared/conformance; skipping")));
        }
        return cases(dir);
    }

    @TestFactory
    Stream<DynamicTest> projectCases() throws IOException {
        return cases(ownDir());
    }

    private static Stream<DynamicTest> cases(Path dir) throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path msim : files.filter(p -> p.toString().endsWith(".msim")).sorted().toList()) {
                Path out = Path.of(msim.toString().replaceAll("\\.msim$", ".out"));
                tests.add(DynamicTest.dynamicTest(msim.getFileName().toString(), () -> {
                    String script = Files.readString(msim, StandardCharsets.UTF_8);
                    String expected = Files.readString(out, StandardCharsets.UTF_8);
                    StringBuilder got = new StringBuilder();
                    ScriptRunner.Result r = ScriptRunner.run(script.lines().iterator(), KernelConfig.DEFAULT, got::append);
                    assertEquals(null, r.error(), "script error");
                    assertEquals(expected, got.toString(), msim.toString());
                }));
            }
        }
        assertTrue(tests.size() >= 3, "too few cases in " + dir);
        return tests.stream();
    }
}
