package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.Launcher;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An A/B matrix from the experiment file's {@code variants:} on one embedded fleet: each variant
 * equals the same change made on the command line and run alone, and the comparison is written;
 * {@code compare} refuses a directory that is not a run's, naming the file.
 */
@Timeout(300)
class VariantsIT {
    @TempDir
    Path tmp;

    @Test
    void aVariantRunsLikeTheSameChangeAloneAndTheMatrixIsCompared() throws Exception {
        String matrix = Files.readString(Launcher.example("ab-matrix.yaml")).replace("nodes: 24", "nodes: 4");
        Path file = Files.writeString(tmp.resolve("ab.yaml"), matrix);
        Path base = Files.writeString(tmp.resolve("base.yaml"), matrix.substring(0, matrix.indexOf("\nvariants:") + 1));
        Path out = tmp.resolve("ab");
        String printed = Launcher.ok("run", file.toString(), "--out", out.toString(), "-q").out();
        assertTrue(printed.contains("3 variants against the base"), printed);
        for (String dir : new String[] {"base", "nokmem", "intended", "web-kmem-4m"}) {
            for (String f : new String[] {"summary.json", "series.csv", "series.parquet", "report.html", "experiment.yaml"}) {
                assertTrue(Files.isRegularFile(out.resolve(dir).resolve(f)), dir + "/" + f);
            }
        }
        assertTrue(Files.readString(out.resolve("compare.csv")).lines().anyMatch(l -> l.startsWith("/web,alloc failures,")));

        Path alone = tmp.resolve("alone");
        Launcher.ok("run", base.toString(), "--kernel", "nokmem", "--out", alone.toString(), "-q");
        JsonObject a = new JsonObject(Files.readString(alone.resolve("summary.json")));
        JsonObject v = new JsonObject(Files.readString(out.resolve("nokmem").resolve("summary.json")));
        assertEquals("nokmem", v.getString("kernel"));
        assertEquals(a.getJsonArray("cgroups"), v.getJsonArray("cgroups"), "the variant is the change alone");
        assertEquals(a.getJsonArray("caches"), v.getJsonArray("caches"));
        assertEquals(Files.readString(alone.resolve("series.csv")), Files.readString(out.resolve("nokmem").resolve("series.csv")));

        Path foreign = Files.createDirectories(tmp.resolve("photos"));
        Launcher.Outcome refused = Launcher.memfleet("compare", out.resolve("base").toString(), foreign.toString(),
                "--out", tmp.resolve("cmp").toString());
        assertEquals(2, refused.status());
        assertTrue(refused.err().contains("photos: not a memfleet results directory (no summary.json)"), refused.err());
        assertTrue(!refused.err().contains("Exception"), "no stack trace: " + refused.err());
    }
}
