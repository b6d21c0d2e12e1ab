package io.memfleet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memfleet.agent.kafka.AgentLoop;
import io.memfleet.controller.ControllerConfig;
import io.memfleet.controller.ControllerRuntime;
import io.memfleet.it.testing.EmbeddedBrokerTest;
import io.memfleet.it.testing.FleetHarness;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The live dashboard in a real headless browser (Debian's chromium through its chromedriver,
 * both installed by .ci/run): the selected experiment's charts fill with points pushed by the
 * controller, and the values shown for a cgroup, its drill-down over the nodes and a rollout are
 * the ones the JSON API gives.
 */
@Timeout(300)
class DashboardBrowserIT extends EmbeddedBrokerTest {
    private static final Path CHROMIUM = Path.of(System.getProperty("memfleet.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("memfleet.chromedriver", "/usr/bin/chromedriver"));
    private static final Pattern HUMAN = Pattern.compile("(-?[0-9.]+) (B|KiB|MiB|GiB)");
    private static final List<String> STATIC_NODES = List.of("static-1", "static-2", "static-3");
    /** Selenium looks for DevTools bindings of this chromium's version, which the WebDriver protocol does not need. */
    private static final java.util.logging.Logger CDP = java.util.logging.Logger.getLogger(
            "org.openqa.selenium.devtools.CdpVersionFinder");
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path profile;

    private String get(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), url + ": " + r.body());
            return r.body();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The cells of the rows {@code selector} matches, read in one script call (so no update of the
     * page can fall between two reads): per row, per cell, its text and its data-bytes attribute.
     */
    @SuppressWarnings("unchecked")
    private static List<List<List<String>>> rows(JavascriptExecutor js, String selector) {
        return (List<List<List<String>>>) js.executeScript("return Array.from(document.querySelectorAll(arguments[0]))"
                + ".map(function (tr) { return Array.from(tr.cells).map(function (td) {"
                + " return [td.textContent, td.getAttribute('data-bytes')]; }); });", selector);
    }

    /** A value as the page shows it (1.5 MiB), back in bytes; within half of its last digit of the exact one. */
    private static void assertShows(long bytes, List<String> cell) {
        String text = cell.get(0);
        assertEquals(Long.toString(bytes), cell.get(1), "the cell holds the API's value");
        Matcher m = HUMAN.matcher(text);
        assertTrue(m.matches(), "human units: " + text);
        double scale = switch (m.group(2)) {
            case "B" -> 1;
            case "KiB" -> 1024;
            case "MiB" -> 1 << 20;
            default -> 1 << 30;
        };
        assertTrue(bytes < 1024 || !m.group(2).equals("B"), "KiB from 1 KiB on: " + text);
        assertTrue(bytes >= 1 << 20 || !m.group(2).equals("MiB"), "no \"0.0 MiB\" below 1 MiB: " + text);
        assertEquals(bytes / scale, Double.parseDouble(m.group(1)), scale == 1 ? 0 : 0.051, text);
    }

    private static int updates(JavascriptExecutor js) {
        return ((Number) js.executeScript("return window.memfleetDashboard.updates;")).intValue();
    }

    @Test
    void chartsFillFromThePushedSeriesAndShownValuesEqualTheApis() throws Exception {
        CDP.setLevel(java.util.logging.Level.SEVERE);
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (.ci/run installs them); skipping the browser test");
        String yaml = Files.readString(Path.of(System.getProperty("memfleet.examples", "../examples"), "quickstart.yaml"))
                .replace("nodes: 24", "nodes: 6") + "\nspeed: 1\n"; // live for 30 s: the live checks end before it does
        try (FleetHarness f = new FleetHarness(broker.bootstrapServers(), "browser", 3)) {
            AgentLoop agent = f.startAgent("browser-agent");
            assertTrue(agent.isRunning());
            f.startGenerator(1); // stopped with the harness
            try (ControllerRuntime c = new ControllerRuntime(ControllerConfig.of(f.bootstrap(), f.topics(), 0),
                    new PrintStream(System.err, true))) {
                String api = "http://127.0.0.1:" + c.httpPort();
                for (int i = 0; i < STATIC_NODES.size(); i++) {
                    f.send(STATIC_NODES.get(i), "node cpus=1 mem=256M seed=" + (i + 1), "mkdir /static", "spawn 100 /static",
                            "anon 100 +" + (300 * (i + 1)) + "K", "dentry 100 +" + (40 * (i + 1)), "tick 2s");
                }
                f.flush();
                FleetHarness.await("the static nodes report /static", () -> new JsonArray(get(api + "/api/cgroups")).stream()
                        .map(JsonObject.class::cast).anyMatch(j -> j.getString("cgroup").equals("/static")
                                && j.getInteger("nodes") == STATIC_NODES.size()));
                HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(api
                        + "/api/experiments?source=quickstart.yaml")).header("Authorization", "Bearer " + c.token())
                        .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(201, submitted.statusCode(), submitted.body());
                String id = new JsonObject(submitted.body()).getString("id");

                ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort().withLogFile(profile.resolve("chromedriver.log").toFile()).build();
                ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
                        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--window-size=1280,2000",
                        "--user-data-dir=" + new File(profile.toFile(), "chrome"));
                WebDriver driver = new ChromeDriver(service, options);
                try {
                    driver.get(api + "/");
                    JavascriptExecutor js = (JavascriptExecutor) driver;
                    FleetHarness.await("the experiment is listed and selected", Duration.ofSeconds(60), () ->
                            !driver.findElements(By.cssSelector("#experiments tr.selected[data-id='" + id + "']")).isEmpty());
                    FleetHarness.await("the usage chart has points pushed over the stream", Duration.ofSeconds(120), () -> {
                        Object n = js.executeScript("var c = window.memfleetDashboard.charts.usage;"
                                + " return c ? c.plot.data[0].length : 0;");
                        return ((Number) n).intValue() >= 3;
                    });
                    Object lines = js.executeScript("return window.memfleetDashboard.charts.usage.plot.series.length;");
                    assertTrue(((Number) lines).intValue() >= 3, "a line per top-level cgroup of the experiment");
                    assertTrue(driver.findElement(By.cssSelector("[data-chart=usage] canvas")).isDisplayed(), "drawn");
                    assertEquals("live", driver.findElement(By.id("status")).getText());

                    JsonObject fromApi = new JsonArray(get(api + "/api/cgroups")).stream().map(JsonObject.class::cast)
                            .filter(j -> j.getString("cgroup").equals("/static")).findFirst().orElseThrow();
                    List<List<String>> cells = rows(js, "#cgroups tr[data-cgroup='/static']").get(0);
                    assertEquals("3", cells.get(1).get(0));
                    assertShows(fromApi.getJsonObject("usage_in_bytes").getLong("p99"), cells.get(3));
                    assertShows(fromApi.getJsonObject("usage_in_bytes").getLong("max"), cells.get(4));
                    assertShows(fromApi.getJsonObject("kmem_usage_in_bytes").getLong("p99"), cells.get(6));

                    // the page updates in place: rows and cells found before an update are the ones shown after it
                    WebElement row = driver.findElement(By.cssSelector("#cgroups tr[data-cgroup='/static']"));
                    WebElement progress = driver.findElement(By.cssSelector("#experiments tr[data-id='" + id + "'] td"));
                    int seen = updates(js);
                    FleetHarness.await("two more updates pushed", Duration.ofSeconds(60), () -> updates(js) >= seen + 2);
                    assertEquals(Boolean.TRUE, js.executeScript("return arguments[0].isConnected && arguments[1].isConnected;",
                            row, progress), "an element found before an update is still on the page after it");
                    assertEquals(id, progress.getText());

                    row.click();
                    FleetHarness.await("the drill-down lists the nodes", Duration.ofSeconds(60), () ->
                            rows(js, "#drill-nodes tbody tr").size() == STATIC_NODES.size());
                    JsonArray dist = new JsonObject(get(api + "/api/distribution?cgroup=/static")).getJsonArray("nodes");
                    List<List<List<String>>> drill = rows(js, "#drill-nodes tbody tr");
                    for (int i = 0; i < drill.size(); i++) {
                        assertEquals(dist.getJsonObject(i).getString("node"), drill.get(i).get(0).get(0));
                        assertShows(dist.getJsonObject(i).getLong("usage_in_bytes"), drill.get(i).get(1));
                    }
                    assertEquals("static-3", drill.get(0).get(0).get(0), "largest usage first");

                    HttpResponse<String> rollout = http.send(HttpRequest.newBuilder(URI.create(api + "/api/config"))
                            .header("Authorization", "Bearer " + c.token()).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("rollout_id", "static-limit")
                                    .put("selector", new JsonObject().put("nodes", new JsonArray(STATIC_NODES)))
                                    .put("cgroups", new JsonArray().add(new JsonObject().put("path", "/static")
                                            .put("limit_in_bytes", 96L << 20))).encode())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertTrue(rollout.statusCode() / 100 == 2, rollout.body());
                    String rolloutRow = "#rollouts tr[data-rollout='static-limit']";
                    FleetHarness.await("the rollout shows acked by the 3 nodes", Duration.ofSeconds(60), () -> {
                        List<List<List<String>>> r = rows(js, rolloutRow);
                        return r.size() == 1 && r.get(0).size() == 6 && r.get(0).get(3).get(0).equals("3");
                    });
                    assertEquals("/static: limit 96 MiB", rows(js, rolloutRow).get(0).get(2).get(0),
                            "the pushed configuration shows");
                    JsonObject status = new JsonObject(get(api + "/api/config/static-limit"));
                    assertEquals(3, status.getInteger("acked"));
                    // axes are titled, and OOM kills and allocation failures have a chart
                    assertEquals("bytes", js.executeScript("return window.memfleetDashboard.charts.usage.plot.axes[1].label;"));
                    assertEquals("simulated seconds",
                            js.executeScript("return window.memfleetDashboard.charts.usage.plot.axes[0].label;"));

                    // after the end: its nodes are released, and the page keeps its final values from its summary
                    FleetHarness.await("the experiment ends", Duration.ofSeconds(120), () ->
                            new JsonObject(get(api + "/api/experiments/" + id)).getString("state").equals("done"));
                    FleetHarness.await("the page says the nodes were released", Duration.ofSeconds(60), () ->
                            driver.findElement(By.id("released")).isDisplayed());
                    assertTrue(driver.findElement(By.id("released")).getText().contains("6 nodes were released"),
                            driver.findElement(By.id("released")).getText());
                    JsonObject summary = new JsonObject(get(api + "/api/experiments/" + id)).getJsonObject("summary");
                    JsonObject batch = summary.getJsonArray("cgroups").stream().map(JsonObject.class::cast)
                            .filter(j -> j.getString("cgroup").equals("/batch")).findFirst().orElseThrow();
                    List<List<String>> finalRow = rows(js, "#cgroups tr[data-cgroup='/batch']").get(0);
                    assertEquals(Long.toString(batch.getLong("oom_kills")), finalRow.get(9).get(0), "OOM kills at the end");
                    assertShows(batch.getJsonObject("usage_in_bytes").getLong("max"), finalRow.get(4));
                    assertEquals(0, rows(js, "#cgroups tr[data-cgroup='/static']").size(), "the experiment's own cgroups");
                    assertEquals("cgroups of " + id + " at its end", driver.findElement(By.id("cgroups-title")).getText());
                    Object eventLines = js.executeScript("var c = window.memfleetDashboard.charts.events;"
                            + " return c ? c.plot.series.map(function (s) { return s.label; }) : null;");
                    assertTrue(eventLines instanceof List<?> l && l.contains("OOM kills in /batch")
                            && l.contains("alloc failures in /web"), "the events chart: " + eventLines);
                    assertTrue(((Number) js.executeScript("return window.memfleetDashboard.charts.usage.plot.data[0].length;"))
                            .intValue() >= 25, "the charts keep every point of the finished run");
                    // kept for whoever reads a failed CI run, and for a look at the page
                    Files.copy(((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(org.openqa.selenium.OutputType.FILE)
                            .toPath(), Path.of("target", "dashboard.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    driver.quit();
                    service.stop();
                }
            }
        }
    }
}
