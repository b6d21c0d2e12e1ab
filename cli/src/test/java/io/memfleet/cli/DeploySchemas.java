package io.memfleet.cli;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.yaml.snakeyaml.Yaml;

/**
 * The schemas deploy/ is checked against (src/test/resources/deploy-schemas, README there): the
 * Strimzi and Prometheus Operator CRDs of the releases deploy/README.md names, the Kubernetes
 * built-in kinds the manifests use, and the Compose Specification. A Kubernetes object's schema is
 * found by its apiVersion and kind; one no schema describes is itself a violation.
 */
final class DeploySchemas {
    static final String DIR = "/deploy-schemas/";
    static final String STRIMZI = "1.2.0";
    static final List<String> CRDS = List.of("strimzi-" + STRIMZI + "-040-Crd-kafka.yaml",
            "strimzi-" + STRIMZI + "-045-Crd-kafkanodepool.yaml", "prometheus-operator-0.93.0-podmonitors.yaml");
    static final String KUBERNETES = "kubernetes-1.36-kinds.json";
    /** The CRDs, read once (the Kafka CRD alone is 330 KB). */
    private static final Supplier<List<JsonObject>> CRD_DOCUMENTS = memoized(() -> CRDS.stream()
            .map(c -> json(new Yaml().load(resource(c)))).toList());
    /** Compiled once per kind (the Kafka CRD alone is 330 KB). */
    private static final Map<String, Optional<Validator>> VALIDATORS = new ConcurrentHashMap<>();
    private static final JsonSchemaOptions OPTIONS = new JsonSchemaOptions().setDraft(Draft.DRAFT7)
            .setBaseUri("https://memfleet.invalid/deploy-schemas/").setOutputFormat(OutputFormat.Basic);

    private DeploySchemas() {
    }

    private static <T> Supplier<T> memoized(Supplier<T> s) {
        Map<String, T> once = new ConcurrentHashMap<>();
        return () -> once.computeIfAbsent("", k -> s.get());
    }

    static String resource(String name) {
        try (InputStream in = DeploySchemas.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + DIR + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** YAML or JSON data as Vert.x JSON (what the validator reads). */
    static JsonObject json(Object yamlDocument) {
        return new JsonObject(Json.encode(yamlDocument));
    }

    /** The violations of a Kubernetes object (empty when valid), each with the path of the value at fault. */
    static List<String> kubernetesViolations(Map<?, ?> object) {
        String key = object.get("apiVersion") + " " + object.get("kind");
        Optional<Validator> v = VALIDATORS.computeIfAbsent(key, k -> Optional.ofNullable(kubernetesSchema(
                String.valueOf(object.get("apiVersion")), String.valueOf(object.get("kind")))).map(DeploySchemas::validator));
        if (v.isEmpty()) {
            return List.of("no schema for apiVersion " + object.get("apiVersion") + " kind " + object.get("kind"));
        }
        return violations(v.get(), json(object));
    }

    /** The violations of the compose file against the Compose Specification's schema. */
    static List<String> composeViolations(Map<?, ?> compose) {
        return violations(VALIDATORS.computeIfAbsent("compose", k -> Optional.of(validator(
                new JsonObject(resource("compose-spec.json"))))).orElseThrow(), json(compose));
    }

    private static Validator validator(JsonObject schema) {
        return Validator.create(JsonSchema.of(schema), OPTIONS);
    }

    static List<String> violations(Validator validator, JsonObject instance) {
        OutputUnit result = validator.validate(instance);
        List<String> out = new ArrayList<>();
        if (!Boolean.TRUE.equals(result.getValid())) {
            List<OutputUnit> errors = result.getErrors() == null ? List.of(result) : result.getErrors();
            errors.forEach(e -> out.add(e.getInstanceLocation() + ": " + e.getError()));
        }
        return out;
    }

    /** The schema of {@code apiVersion}/{@code kind}: a CRD's served version, or a built-in kind's definition. */
    static JsonObject kubernetesSchema(String apiVersion, String kind) {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        for (JsonObject c : CRD_DOCUMENTS.get()) {
            JsonObject spec = c.getJsonObject("spec");
            if (!spec.getString("group").equals(group) || !spec.getJsonObject("names").getString("kind").equals(kind)) {
                continue;
            }
            for (Object v : spec.getJsonArray("versions")) {
                JsonObject ver = (JsonObject) v;
                if (ver.getString("name").equals(version) && ver.getBoolean("served")) {
                    return strict(ver.getJsonObject("schema").getJsonObject("openAPIV3Schema"));
                }
            }
            return null; // the release does not serve that version
        }
        JsonObject builtIn = new JsonObject(resource(KUBERNETES));
        for (Map.Entry<String, Object> d : builtIn.getJsonObject("definitions")) {
            for (Object gvk : ((JsonObject) d.getValue()).getJsonArray("x-kubernetes-group-version-kind", new JsonArray())) {
                JsonObject g = (JsonObject) gvk;
                if (g.getString("group").equals(group) && g.getString("version").equals(version)
                        && g.getString("kind").equals(kind)) {
                    JsonObject defs = builtIn.getJsonObject("definitions");
                    defs.forEach(e -> strict((JsonObject) e.getValue()));
                    return new JsonObject().put("definitions", defs)
                            .put("allOf", new JsonArray().add(new JsonObject().put("$ref", "#/definitions/" + d.getKey())));
                }
            }
        }
        return null;
    }

    /**
     * Closes every object schema that lists its properties (unless it keeps unknown fields on
     * purpose), as {@code kubectl apply --validate=strict} does: the API server would otherwise drop
     * a misspelt field without a word. Branches of oneOf/anyOf/allOf/not are left as they are:
     * there, properties say which fields must be present together, not which may be.
     */
    static JsonObject strict(JsonObject schema) {
        if (schema.containsKey("properties") && !schema.containsKey("additionalProperties")
                && !schema.getBoolean("x-kubernetes-preserve-unknown-fields", false)) {
            schema.put("additionalProperties", false);
        }
        JsonObject props = schema.getJsonObject("properties");
        if (props != null) {
            props.forEach(e -> strict((JsonObject) e.getValue()));
        }
        if (schema.getValue("items") instanceof JsonObject items) {
            strict(items);
        }
        if (schema.getValue("additionalProperties") instanceof JsonObject more) {
            strict(more);
        }
        return schema;
    }
}
