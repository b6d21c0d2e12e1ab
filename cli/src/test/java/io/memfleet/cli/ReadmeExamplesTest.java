package io.memfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's script examples print what they say: every fenced {@code msim} block runs through
 * {@code memfleet sim} in this process, and its output is the {@code # VALUE:} comments of its
 * lines, in order (a line without one prints nothing).
 */
class ReadmeExamplesTest {
    private static final Path README = Path.of("../README.md");
    private static final Pattern BLOCK = Pattern.compile("(?m)^```msim\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern SHOWN = Pattern.compile("#\\s*([^:]+):");

    @TempDir
    Path tmp;

    /** One README example: where it starts, its script, and the output its comments show. */
    record Example(int line, String script, List<String> shown) { }

    static List<Example> examples(String markdown) {
        List<Example> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(markdown);
        while (m.find()) {
            int line = (int) markdown.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
            List<String> shown = new ArrayList<>();
            for (String l : m.group(1).split("\n")) {
                int hash = l.indexOf('#');
                Matcher s = hash < 0 ? null : SHOWN.matcher(l.substring(hash));
                if (s != null && s.lookingAt()) {
                    shown.add(s.group(1).trim());
                }
            }
            out.add(new Example(line, m.group(1), shown));
        }
        return out;
    }

    @TestFactory
    List<DynamicTest> everyScriptExamplePrintsWhatItsCommentsShow() throws IOException {
        List<Example> examples = examples(Files.readString(README, StandardCharsets.UTF_8));
        assertFalse(examples.isEmpty(), "the README has msim examples");
        List<DynamicTest> tests = new ArrayList<>();
        for (Example e : examples) {
            tests.add(DynamicTest.dynamicTest("README.md:" + e.line(), () -> {
                Path script = Files.writeString(tmp.resolve("example-" + e.line() + ".msim"), e.script());
                MainTest.Outcome o = MainTest.memfleet("sim", script.toString());
                assertEquals(0, o.status(), o.err());
                assertEquals(e.shown(), o.out().lines().toList(), "README.md:" + e.line() + " shows other output");
            }));
        }
        return tests;
    }
}
