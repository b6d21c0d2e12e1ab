package io.memfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * deploy/ checked without Docker or Kubernetes: every YAML file parses, every memfleet command line
 * in the compose file and the Kubernetes manifests is accepted by the launcher's own parser, the
 * Grafana dashboards parse and use the provisioned datasource, and the Kubernetes ConfigMap holds
 * exactly the dashboards compose mounts. (That every metric a panel queries exists after a real
 * run is DashboardMetricsIT.) Run with -Dmemfleet.deploy.regenerate=true to rewrite the ConfigMap.
 */
class DeployFilesTest {
    static final Path DEPLOY = Path.of(System.getProperty("memfleet.deploy.dir", "../deploy"));
    static final Path DASHBOARDS = DEPLOY.resolve("grafana/dashboards");
    static final Path CONFIG_MAP = DEPLOY.resolve("k8s/grafana-dashboards.yaml");

    private static List<Path> files(Path dir, String... suffixes) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(suffixes).anyMatch(x -> p.getFileName().toString().endsWith(x)))
                    .sorted().toList();
        }
    }

    private static List<Object> yamlDocuments(Path p) throws IOException {
        List<Object> docs = new ArrayList<>();
        for (Object d : new Yaml().loadAll(Files.readString(p))) {
            if (d != null) {
                docs.add(d);
            }
        }
        return docs;
    }

    @Test
    void everyYamlFileUnderDeployParsesToAtLeastOneDocument() throws IOException {
        List<Path> yamls = files(DEPLOY, ".yml", ".yaml");
        assertTrue(yamls.size() >= 10, "the compose file, Prometheus, Grafana provisioning and k8s manifests: " + yamls);
        for (Path p : yamls) {
            try {
                assertFalse(yamlDocuments(p).isEmpty(), p + " is empty");
            } catch (RuntimeException e) {
                fail(p + " does not parse: " + e.getMessage());
            }
        }
    }

    /** Every memfleet command line: compose services on the memfleet image, k8s containers running it. */
    static Map<String, List<String>> memfleetCommandLines() throws IOException {
        Map<String, List<String>> out = new TreeMap<>();
        Map<?, ?> compose = (Map<?, ?>) yamlDocuments(DEPLOY.resolve("docker-compose.yml")).get(0);
        ((Map<?, ?>) compose.get("services")).forEach((name, svc) -> {
            Map<?, ?> s = (Map<?, ?>) svc;
            if (String.valueOf(s.get("image")).startsWith("memfleet:")) {
                out.put("compose service " + name, strings(s.get("command")));
            }
        });
        for (Path p : files(DEPLOY.resolve("k8s"), ".yaml")) {
            for (Object doc : yamlDocuments(p)) {
                Map<?, ?> d = (Map<?, ?>) doc;
                if (!"Deployment".equals(d.get("kind"))) {
                    continue;
                }
                Map<?, ?> podSpec = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) d.get("spec")).get("template")).get("spec");
                for (Object c : (List<?>) podSpec.get("containers")) {
                    Map<?, ?> container = (Map<?, ?>) c;
                    if (String.valueOf(container.get("image")).startsWith("memfleet:")) {
                        out.put(p.getFileName() + " container " + container.get("name"), strings(container.get("args")));
                    }
                }
            }
        }
        return out;
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    @Test
    void everyMemfleetCommandLineInComposeAndKubernetesIsAcceptedByTheLaunchersParser() throws IOException {
        Map<String, List<String>> lines = memfleetCommandLines();
        assertEquals(Set.of("compose service agent", "compose service controller", "compose service run",
                "agents.yaml container agent", "controller.yaml container controller",
                "generators.yaml container generator"), lines.keySet());
        lines.forEach((where, args) -> {
            try {
                CommandLine.ParseResult r = Main.commandLine().parseArgs(args.toArray(String[]::new));
                assertTrue(r.hasSubcommand(), where + ": " + args + " names no memfleet command");
            } catch (CommandLine.ParameterException e) {
                fail(where + ": " + args + " is refused by the launcher: " + e.getMessage());
            }
        });
    }

    @Test
    void theComposeRunServiceSubmitsAFileThatExists() throws IOException {
        List<String> run = memfleetCommandLines().get("compose service run");
        assertEquals("run", run.get(0));
        assertTrue(Files.isRegularFile(Path.of("..").resolve(run.get(1))), run.get(1) + " is in the image's examples/");
        assertTrue(run.contains("--bootstrap"), "it submits to the standing fleet: " + run);
    }

    static List<JsonObject> dashboards() throws IOException {
        List<JsonObject> out = new ArrayList<>();
        for (Path p : files(DASHBOARDS, ".json")) {
            out.add(new JsonObject(Files.readString(p)).put("__file", p.getFileName().toString()));
        }
        return out;
    }

    /** Every PromQL expression of a dashboard: panel targets and template variable queries. */
    static List<String> expressions(JsonObject dashboard) {
        List<String> exprs = new ArrayList<>();
        for (Object p : dashboard.getJsonArray("panels", new JsonArray())) {
            for (Object t : ((JsonObject) p).getJsonArray("targets", new JsonArray())) {
                exprs.add(((JsonObject) t).getString("expr"));
            }
        }
        for (Object v : dashboard.getJsonObject("templating").getJsonArray("list")) {
            exprs.add(((JsonObject) v).getString("definition"));
        }
        return exprs;
    }

    /** The memfleet metric names the dashboards query. */
    static Set<String> queriedMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        for (JsonObject d : dashboards()) {
            for (String e : expressions(d)) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("memfleet_[a-z0-9_]+").matcher(e);
                while (m.find()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }

    @Test
    void theDashboardsCoverTheFleetCgroupsSlabCachesOomKillsAndRolloutsOnTheProvisionedDatasource() throws IOException {
        Map<?, ?> ds = (Map<?, ?>) ((List<?>) ((Map<?, ?>) yamlDocuments(
                DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yml")).get(0)).get("datasources")).get(0);
        List<JsonObject> all = dashboards();
        assertEquals(List.of("memfleet-cgroups.json", "memfleet-fleet.json", "memfleet-oom-rollouts.json",
                "memfleet-slab.json"), all.stream().map(d -> d.getString("__file")).toList());
        Set<String> uids = new TreeSet<>();
        for (JsonObject d : all) {
            assertTrue(uids.add(d.getString("uid")), "uids are unique: " + d.getString("uid"));
            for (Object p : d.getJsonArray("panels")) {
                JsonObject panel = (JsonObject) p;
                assertEquals(ds.get("uid"), panel.getJsonObject("datasource").getString("uid"), panel.getString("title"));
                assertFalse(panel.getJsonArray("targets").isEmpty(), panel.getString("title"));
            }
            expressions(d).forEach(e -> assertTrue(e != null && e.contains("memfleet_"), d.getString("uid") + ": " + e));
        }
        Set<String> metrics = queriedMetrics();
        for (String needed : List.of("memfleet_fleet_memory_usage_bytes", "memfleet_fleet_memory_kernel_usage_bytes",
                "memfleet_fleet_slab_caches", "memfleet_fleet_oom_kills_total", "memfleet_rollout_nodes",
                "memfleet_experiment_progress_ratio")) {
            assertTrue(metrics.contains(needed), needed + " is on a dashboard: " + metrics);
        }
    }

    /** The ConfigMap the Grafana sidecar of a Kubernetes Prometheus stack loads (label grafana_dashboard). */
    static String configMap() throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# The memfleet Grafana dashboards (deploy/grafana/dashboards) for a Grafana whose dashboard\n")
          .append("# sidecar loads ConfigMaps labelled grafana_dashboard=\"1\" (kube-prometheus-stack does).\n")
          .append("# Generated from those files: mvn -pl cli test -Dtest=DeployFilesTest -Dmemfleet.deploy.regenerate=true\n")
          .append("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: memfleet-grafana-dashboards\n")
          .append("  namespace: memfleet\n  labels:\n    grafana_dashboard: \"1\"\ndata:\n");
        for (Path p : files(DASHBOARDS, ".json")) {
            sb.append("  ").append(p.getFileName()).append(": |\n");
            for (String line : Files.readString(p).split("\n", -1)) {
                if (!line.isEmpty()) {
                    sb.append("    ").append(line).append('\n');
                }
            }
        }
        return sb.toString();
    }

    @Test
    void theKubernetesConfigMapHoldsExactlyTheDashboardsComposeMounts() throws IOException {
        String expected = configMap();
        if (Boolean.getBoolean("memfleet.deploy.regenerate")) {
            Files.writeString(CONFIG_MAP, expected);
        }
        assertEquals(expected, Files.readString(CONFIG_MAP), CONFIG_MAP + " is out of date: regenerate it (see its header)");
        Map<?, ?> data = (Map<?, ?>) ((Map<?, ?>) yamlDocuments(CONFIG_MAP).get(0)).get("data");
        for (JsonObject d : dashboards()) {
            String file = d.getString("__file");
            d.remove("__file");
            assertEquals(d, new JsonObject((String) data.get(file)), file);
        }
    }

    @Test
    void prometheusScrapesTheControllerAndAgentsOnThePortsTheirCommandLinesServe() throws IOException {
        Map<?, ?> prom = (Map<?, ?>) yamlDocuments(DEPLOY.resolve("prometheus/prometheus.yml")).get(0);
        String all = prom.toString();
        Map<String, List<String>> lines = memfleetCommandLines();
        String controllerPort = lines.get("compose service controller")
                .get(lines.get("compose service controller").indexOf("--http-port") + 1);
        String agentPort = lines.get("compose service agent").get(lines.get("compose service agent").indexOf("--http-port") + 1);
        assertTrue(all.contains("controller:" + controllerPort), all);
        assertTrue(all.contains("port=" + agentPort), all);
    }
}
