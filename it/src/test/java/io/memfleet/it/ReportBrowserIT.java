package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.it.testing.Launcher;
import io.memfleet.report.Units;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * report.html and compare.html of a real A/B run (the quickstart on 6 nodes, against nokmem) in a
 * real headless browser: the first lines say what happened with the numbers of summary.json, each
 * links to a chart that is on the page, the limits of the experiment are drawn as lines, and the
 * comparison opens with how many figures differ, as compare.csv counts them.
 */
@Timeout(300)
class ReportBrowserIT {
    private static final Path CHROMIUM = Path.of(System.getProperty("memfleet.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("memfleet.chromedriver", "/usr/bin/chromedriver"));
    private static final java.util.logging.Logger CDP = java.util.logging.Logger.getLogger(
            "org.openqa.selenium.devtools.CdpVersionFinder");

    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static List<String> answers(JavascriptExecutor js) {
        return (List<String>) js.executeScript("return Array.from(document.querySelectorAll('#answers li a'))"
                + ".map(function (a) { return a.textContent; });");
    }

    private static JsonObject cgroup(JsonObject summary, String path) {
        return summary.getJsonArray("cgroups").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("cgroup").equals(path)).findFirst().orElseThrow();
    }

    @Test
    void theReportsOpenWithTheAnswerAndDrawTheLimits() throws Exception {
        CDP.setLevel(java.util.logging.Level.SEVERE);
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (.ci/run installs them); skipping the browser test");
        String yaml = Files.readString(Launcher.example("quickstart.yaml")).replace("nodes: 24", "nodes: 6")
                + "\nvariants:\n  - {name: nokmem, kernel: nokmem}\n";
        Path out = tmp.resolve("ab");
        Launcher.Outcome run = Launcher.ok("run", Files.writeString(tmp.resolve("ab.yaml"), yaml).toString(), "--out",
                out.toString(), "-q");
        assertTrue(run.out().contains("open " + out.resolve("compare.html")), "the run says where to look: " + run.out());
        JsonObject summary = new JsonObject(Files.readString(out.resolve("base/summary.json")));
        JsonObject batch = cgroup(summary, "/batch");
        JsonObject web = cgroup(summary, "/web");
        assertTrue(batch.getLong("oom_kills") > 0 && web.getLong("alloc_failures") > 0, "the quickstart's story: " + summary);

        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(tmp.resolve("chromedriver.log").toFile()).build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,1600",
                "--user-data-dir=" + new File(tmp.toFile(), "chrome"));
        WebDriver driver = new ChromeDriver(service, options);
        try {
            JavascriptExecutor js = (JavascriptExecutor) driver;
            driver.get(out.resolve("base/report.html").toUri().toString());
            List<String> lines = answers(js);
            assertEquals(String.format("Fleet: %,d OOM kills and %,d allocation failures (6 nodes, 30 s simulated).",
                    summary.getJsonArray("cgroups").stream().mapToLong(c -> ((JsonObject) c).getLong("oom_kills")).sum(),
                    summary.getJsonArray("cgroups").stream().mapToLong(c -> ((JsonObject) c).getLong("alloc_failures")).sum()),
                    lines.get(0));
            assertTrue(lines.contains(String.format("/batch: OOM-killed on %d of %d nodes (%d kills), first at %s; 32 MiB limit.",
                    batch.getLong("oom_nodes"), batch.getLong("nodes"), batch.getLong("oom_kills"),
                    Units.seconds(batch.getDouble("first_oom_kill_s")))), lines.toString());
            assertTrue(lines.contains(String.format("/web: %,d allocation failures on %d of %d nodes, first at %s; 1 MiB kmem "
                    + "limit, 128 MiB limit.", web.getLong("alloc_failures"), web.getLong("alloc_failure_nodes"),
                    web.getLong("nodes"), Units.seconds(web.getDouble("first_alloc_failure_s")))), lines.toString());
            assertTrue(lines.stream().noneMatch(l -> l.contains("/jobs/job")), "transient jobs fold into /jobs/*: " + lines);
            Object missing = js.executeScript("return Array.from(document.querySelectorAll('#answers a'))"
                    + ".filter(function (a) { return !document.getElementById(a.getAttribute('href').substring(1)); }).length;");
            assertEquals(0L, missing, "every answer links to an element on the page");

            // the limits of the experiment file, as lines on the usage and kmem charts
            assertEquals(33554432L, js.executeScript("var p = memfleetCharts.plots['usage:/batch'];"
                    + " var i = p.series.findIndex(function (s) { return s.label === 'limit 32 MiB'; });"
                    + " return i > 0 ? p.data[i][0] : -1;"));
            assertEquals(1048576L, js.executeScript("var p = memfleetCharts.plots['kmem:/web'];"
                    + " var i = p.series.findIndex(function (s) { return s.label === 'kmem limit 1 MiB'; });"
                    + " return i > 0 ? p.data[i][p.data[i].length - 1] : -1;"));
            assertEquals(Boolean.TRUE, js.executeScript("var p = memfleetCharts.plots['usage:/batch'];"
                    + " return p.scales.y.min === 0 && p.scales.y.max === 32 * 1048576;"), "the axis from 0 to the limit");
            driver.findElement(By.cssSelector("#answers a[href='#chart-events:oom_kills']")).click();
            assertTrue(((Number) js.executeScript("return window.scrollY;")).longValue() > 0, "the link leads to its chart");

            driver.get(out.resolve("compare.html").toUri().toString());
            List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
            long differing = csv.stream().skip(1).filter(l -> {
                String[] f = l.split(",");
                return !f[f.length - 4].equals(f[f.length - 3]); // the two runs' values
            }).count();
            String first = answers(js).get(0);
            assertTrue(first.startsWith(differing + " of " + (csv.size() - 1) + " compared figures differ from the baseline "
                    + "base"), first + " / " + differing);
        } finally {
            driver.quit();
            service.stop();
        }
    }
}
