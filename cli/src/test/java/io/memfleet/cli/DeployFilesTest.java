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
        assertEquals(List.of("memfleet-cgroups.json", "memfleet-experiment-simtime.json", "memfleet-fleet.json",
                "memfleet-oom-rollouts.json", "memfleet-slab.json"), all.stream().map(d -> d.getString("__file")).toList());
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

    @Test
    void theSimulatedTimeDashboardShowsOneExperimentOfTheExportedAndRemoteWrittenSeries() throws IOException {
        JsonObject d = dashboards().stream().filter(x -> x.getString("uid").equals("memfleet-experiment-simtime"))
                .findFirst().orElseThrow();
        assertEquals("memfleet experiment (simulated time)", d.getString("title"));
        JsonObject variable = d.getJsonObject("templating").getJsonArray("list").getJsonObject(0);
        assertEquals("experiment", variable.getString("name"));
        assertFalse(variable.getBoolean("multi"), "one experiment: its own time axis");
        for (String e : expressions(d)) {
            // the pushed and backfilled series have no job label; a scrape's have one
            assertTrue(e.contains("job=\"\""), e);
            if (!e.startsWith("label_values")) {
                assertTrue(e.contains("experiment=\"$experiment\""), e);
            }
        }
        for (String name : List.of("memfleet_fleet_memory_usage_bytes", "memfleet_fleet_oom_kills_total",
                "memfleet_fleet_slab_caches", "memfleet_fleet_dying_memcgs")) {
            assertTrue(String.join("\n", expressions(d)).contains(name), name);
        }
        Map<?, ?> compose = (Map<?, ?>) yamlDocuments(DEPLOY.resolve("docker-compose.yml")).get(0);
        Map<?, ?> prometheus = (Map<?, ?>) ((Map<?, ?>) compose.get("services")).get("prometheus");
        assertTrue(((List<?>) prometheus.get("command")).contains("--web.enable-remote-write-receiver"),
                "compose's Prometheus takes the controller's remote write");
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

    /** Every object of the Kubernetes manifests (kustomization.yaml is kustomize's, not the API server's). */
    static Map<String, Map<?, ?>> kubernetesObjects() throws IOException {
        Map<String, Map<?, ?>> out = new TreeMap<>();
        for (Path p : files(DEPLOY.resolve("k8s"), ".yaml")) {
            if (!p.getFileName().toString().equals("kustomization.yaml")) {
                for (Object doc : yamlDocuments(p)) {
                    Map<?, ?> d = (Map<?, ?>) doc;
                    out.put(p.getFileName() + " " + d.get("kind") + " " + ((Map<?, ?>) d.get("metadata")).get("name"), d);
                }
            }
        }
        return out;
    }

    @Test
    void everyKubernetesObjectIsValidAgainstTheSchemaOfItsKind() throws IOException {
        Map<String, Map<?, ?>> objects = kubernetesObjects();
        assertEquals(Set.of("ConfigMap", "Deployment", "Kafka", "KafkaNodePool", "Namespace", "PodMonitor", "Service"),
                new TreeSet<>(objects.values().stream().map(o -> String.valueOf(o.get("kind"))).toList()));
        List<String> violations = new ArrayList<>();
        objects.forEach((where, o) -> DeploySchemas.kubernetesViolations(o).forEach(v -> violations.add(where + ": " + v)));
        assertEquals(List.of(), violations);
    }

    @Test
    void theSchemaCheckRefusesWhatTheApiServerWould() throws IOException {
        Map<String, Map<?, ?>> objects = kubernetesObjects();
        JsonObject pool = DeploySchemas.json(objects.get("kafka.yaml KafkaNodePool dual-role"));
        assertEquals(List.of("no schema for apiVersion kafka.strimzi.io/v1beta2 kind KafkaNodePool"),
                DeploySchemas.kubernetesViolations(pool.copy().put("apiVersion", "kafka.strimzi.io/v1beta2").getMap()),
                "Strimzi " + DeploySchemas.STRIMZI + " serves v1 only");
        pool.getJsonObject("spec").remove("roles");
        assertFalse(DeploySchemas.kubernetesViolations(pool.getMap()).isEmpty(), "a node pool needs its roles");
        JsonObject agent = DeploySchemas.json(objects.get("agents.yaml Deployment memfleet-agent"));
        agent.getJsonObject("spec").put("replica", 2);
        assertFalse(DeploySchemas.kubernetesViolations(agent.getMap()).isEmpty(), "a misspelt field is refused");
    }

    @Test
    void theComposeFileIsValidAgainstTheComposeSpecification() throws IOException {
        Map<?, ?> compose = (Map<?, ?>) yamlDocuments(DEPLOY.resolve("docker-compose.yml")).get(0);
        assertEquals(List.of(), DeploySchemas.composeViolations(compose));
        JsonObject typo = DeploySchemas.json(compose);
        typo.getJsonObject("services").getJsonObject("kafka").put("volume", new JsonArray().add("x:/y"));
        assertFalse(DeploySchemas.composeViolations(typo.getMap()).isEmpty(), "a misspelt key is refused");
    }

    @Test
    void kafkaIsAVersionTheNamedStrimziReleaseSupportsAndComposeRunsTheSame() throws IOException {
        Map<?, ?> kafka = (Map<?, ?>) ((Map<?, ?>) kubernetesObjects().get("kafka.yaml Kafka memfleet").get("spec")).get("kafka");
        String version = String.valueOf(kafka.get("version"));
        Map<?, ?> release = ((List<?>) new Yaml().load(DeploySchemas.resource("strimzi-" + DeploySchemas.STRIMZI
                + "-kafka-versions.yaml"))).stream().map(v -> (Map<?, ?>) v)
                .filter(v -> version.equals(String.valueOf(v.get("version")))).findFirst().orElseThrow();
        assertEquals(true, release.get("supported"), "Strimzi " + DeploySchemas.STRIMZI + " supports Kafka " + version);
        assertEquals(release.get("metadata"), kafka.get("metadataVersion"));
        String readme = Files.readString(DEPLOY.resolve("README.md"));
        assertTrue(readme.contains("Strimzi " + DeploySchemas.STRIMZI) && readme.contains("Kafka " + version), readme);
        Map<?, ?> broker = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) yamlDocuments(DEPLOY.resolve("docker-compose.yml")).get(0))
                .get("services")).get("kafka");
        assertEquals("apache/kafka:" + version, broker.get("image"));
    }

    @Test
    void composeKafkaWritesItsLogsIntoItsVolume() throws IOException {
        Map<?, ?> broker = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) yamlDocuments(DEPLOY.resolve("docker-compose.yml")).get(0))
                .get("services")).get("kafka");
        // apache/kafka writes to /tmp/kraft-combined-logs unless KAFKA_LOG_DIRS says otherwise
        Object logDirs = ((Map<?, ?>) broker.get("environment")).get("KAFKA_LOG_DIRS");
        assertEquals(List.of("kafka-data:" + logDirs), broker.get("volumes"));
    }

    @Test
    void prometheusOperatorScrapesTheControllerOnceAndEveryAgentOnTheirHttpPorts() throws IOException {
        Map<String, Map<?, ?>> objects = kubernetesObjects();
        JsonObject monitor = DeploySchemas.json(objects.get("podmonitor.yaml PodMonitor memfleet"));
        assertTrue(monitor.getJsonObject("metadata").getJsonObject("labels").containsKey("release"),
                "kube-prometheus-stack selects monitors by their release label");
        String port = monitor.getJsonObject("spec").getJsonArray("podMetricsEndpoints").getJsonObject(0).getString("port");
        List<String> scraped = new ArrayList<>();
        for (Map<?, ?> o : objects.values()) {
            JsonObject obj = DeploySchemas.json(o);
            assertFalse(obj.getString("kind").equals("Service") && obj.getJsonObject("metadata")
                    .getJsonObject("annotations", new JsonObject()).containsKey("prometheus.io/scrape"),
                    "a scrape annotation on a Service scrapes its pods a second time");
            if (obj.getString("kind").equals("Deployment")) {
                JsonObject pod = obj.getJsonObject("spec").getJsonObject("template");
                String component = pod.getJsonObject("metadata").getJsonObject("labels").getString("app.kubernetes.io/component");
                boolean serves = pod.getJsonObject("spec").getJsonArray("containers").getJsonObject(0)
                        .getJsonArray("ports", new JsonArray()).stream().anyMatch(p -> port.equals(((JsonObject) p).getString("name")));
                if (serves && monitor.encode().contains("\"" + component + "\"")) {
                    scraped.add(component);
                }
            }
        }
        assertEquals(List.of("agent", "controller"), scraped.stream().sorted().toList());
    }

    @Test
    void theImageTakesJvmOptionsWithoutAWarningAndItsBuildContextLeavesOutBuildOutput() throws IOException {
        for (Path p : files(DEPLOY, ".yml", ".yaml", "Dockerfile")) {
            assertFalse(Files.readString(p).contains("name: JAVA_TOOL_OPTIONS") || Files.readString(p).contains("JAVA_TOOL_OPTIONS:"),
                    p + ": the JVM prints 'Picked up JAVA_TOOL_OPTIONS' at every start; use MEMFLEET_JAVA_OPTS");
        }
        List<String> ignored = Files.readAllLines(DEPLOY.resolve("../.dockerignore"));
        assertTrue(ignored.contains("**/target/") && ignored.contains(".git/"), ignored.toString());
    }
}
