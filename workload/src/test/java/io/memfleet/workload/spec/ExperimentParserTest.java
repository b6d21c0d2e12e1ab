package io.memfleet.workload.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExperimentParserTest {
    private static final String VALID = """
            name: t
            seed: 3
            nodes: 4
            node: {cpus: 2, mem: 1G}
            duration: 2s
            step: 100ms
            cgroups:
              - path: /web
                limit: 64M
                kmem_independent: true
                kmem_limit: 1M
            workloads:
              - model: dentry-walker
                cgroup: /web
                params: {dentries_per_step: 10}
            """;

    private static String error(String yaml) {
        return assertThrows(ExperimentException.class, () -> ExperimentParser.parse(yaml, "x.yaml")).getMessage();
    }

    @Test
    void aValidFileParsesWithDefaultsFilledIn() throws Exception {
        ExperimentSpec e = ExperimentParser.parse(VALID, "x.yaml");
        assertEquals(4, e.nodes());
        assertEquals(20, e.steps());
        assertEquals(64L << 20, e.cgroups().get(0).getLimitInBytes());
        assertEquals(10L, e.workloads().get(0).params().get("dentries_per_step"));
        assertEquals(30L, e.workloads().get(0).params().get("frees_per_step"));
    }

    private static final String VARIANTS = """
            variants:
              - name: nokmem
                kernel: nokmem
              - name: web-2m
                cgroups:
                  - path: /web
                    kmem_limit: 2M
                  - path: /extra
                    limit: 8M
            """;

    @Test
    void variantsLayTheirKernelAndCgroupsOverTheExperiment() throws Exception {
        ExperimentSpec e = ExperimentParser.parse(VALID + VARIANTS, "x.yaml");
        assertEquals(2, e.variants().size());
        ExperimentSpec nokmem = ExperimentParser.parse(io.memfleet.proto.v1.Submission.newBuilder().setSource("x.yaml")
                .setYaml(VALID + VARIANTS).setVariant("nokmem").build());
        assertEquals("t-nokmem", nokmem.name());
        assertEquals("nokmem", nokmem.kernel());
        assertEquals(e.cgroups(), nokmem.cgroups());
        assertEquals(e.workloads(), nokmem.workloads());
        ExperimentSpec web = e.withVariant(e.variants().get(1));
        assertEquals(2L << 20, web.cgroups().get(0).getKmemLimitInBytes());
        assertEquals(64L << 20, web.cgroups().get(0).getLimitInBytes(), "what the variant leaves alone stays");
        assertEquals("/extra", web.cgroups().get(1).getPath());
        assertEquals("", web.kernel());
    }

    @Test
    void aBadVariantIsRejectedWithItsLineAndField() {
        assertTrue(error(VALID + VARIANTS.replace("kernel: nokmem", "kernel: nokmen"))
                .startsWith("x.yaml:18: field 'variants[0].kernel': unknown kernel option 'nokmen'"),
                error(VALID + VARIANTS.replace("kernel: nokmem", "kernel: nokmen")));
        assertTrue(error(VALID + VARIANTS.replace("name: web-2m", "name: nokmem")).contains("a second variant named"));
        assertTrue(error(VALID + VARIANTS.replace("kmem_limit: 2M", "kmem_limt: 2M"))
                .contains("field 'variants[1].cgroups[0].kmem_limt': unknown field"));
        var missing = assertThrows(ExperimentException.class, () -> ExperimentParser.parse(io.memfleet.proto.v1.Submission
                .newBuilder().setSource("x.yaml").setYaml(VALID + VARIANTS).setVariant("nope").build()));
        assertTrue(missing.getMessage().contains("no variant named 'nope'"), missing.getMessage());
    }

    private static ExperimentSpec withSets(String... sets) throws ExperimentException {
        return ExperimentParser.parse(io.memfleet.proto.v1.Submission.newBuilder().setSource("x.yaml").setYaml(VALID)
                .addAllSets(java.util.List.of(sets)).build());
    }

    @Test
    void setReplacesOrAddsOneValue() throws Exception {
        ExperimentSpec e = withSets("nodes=9", "cgroups[0].limit=32M", "speed=2", "workloads[0].params.dentries_per_step=7",
                "duration=1h", "step=1s");
        assertEquals(9, e.nodes());
        assertEquals(32L << 20, e.cgroups().get(0).getLimitInBytes());
        assertEquals(2.0, e.speed());
        assertEquals(7L, e.workloads().get(0).params().get("dentries_per_step"));
        assertEquals(3_600_000_000_000L, e.durationNs());
    }

    @Test
    void anErrorInASetValueNamesTheSetArgumentNotALineOfTheFile() {
        String bad = assertThrows(ExperimentException.class, () -> withSets("cgroups[0].limit=lots")).getMessage();
        assertTrue(bad.startsWith("--set cgroups[0].limit=lots: field 'cgroups[0].limit': expected a size"), bad);
        String typo = assertThrows(ExperimentException.class, () -> withSets("nodse=3")).getMessage();
        assertTrue(typo.startsWith("--set nodse=3: field 'nodse': unknown field (did you mean 'nodes'?)"), typo);
        String nested = assertThrows(ExperimentException.class, () -> withSets("node.mme=2G")).getMessage();
        assertTrue(nested.startsWith("--set node.mme=2G: field 'node.mme': unknown field (did you mean 'mem'?)"), nested);
        String path = assertThrows(ExperimentException.class, () -> withSets("workload[0].tasks=2")).getMessage();
        assertEquals("--set workload[0].tasks=2: x.yaml has no field 'workload' there (did you mean 'workloads'?)", path);
        assertEquals("--set cgroups[3].limit=1M: there is no [3]: the list in x.yaml ends at [0]",
                assertThrows(ExperimentException.class, () -> withSets("cgroups[3].limit=1M")).getMessage());
        assertEquals("--set nodes: expected FIELD=VALUE",
                assertThrows(ExperimentException.class, () -> withSets("nodes")).getMessage());
    }

    @Test
    void aMistypedFieldOrModelGetsTheNearestName() {
        assertTrue(error(VALID.replace("seed: 3", "sede: 3")).startsWith("x.yaml:2: field 'sede': unknown field "
                + "(did you mean 'seed'?)"));
        assertTrue(error(VALID.replace("dentry-walker", "dentry-walkr")).startsWith("x.yaml:13: field "
                + "'workloads[0].model': unknown model 'dentry-walkr' (did you mean 'dentry-walker'?)"));
        assertTrue(error(VALID.replace("seed: 3", "colour: 3")).startsWith("x.yaml:2: field 'colour': unknown field "
                + "(allowed: "), "no guess for a name far from every field");
    }

    @Test
    void valuesTheKernelWouldRefuseAreRejectedBeforeAnythingStarts() {
        assertTrue(error(VALID.replace("step: 100ms", "step: 1ns")).contains("field 'step': duration / step is"));
        assertTrue(error(VALID.replace("path: /web", "path: \"/w\\teb\"")).contains("no spaces, control characters"));
        assertTrue(error(VALID.replace("path: /web", "path: /" + "w".repeat(256))).contains("ENAMETOOLONG"));
        assertTrue(error(VALID.replace("path: /web", "path: /web/..")).contains("'.' and '..' are not cgroup names"));
        assertTrue(error(VALID.replace("{dentries_per_step: 10}", "{dentries_per_step: 100000000000}"))
                .contains("field 'workloads[0].params.dentries_per_step': expected 0 to 16777216 a step"));
        String kmalloc = VALID.replace("model: dentry-walker", "model: kmalloc-service")
                .replace("{dentries_per_step: 10}", "{size: 0}");
        assertTrue(error(kmalloc).contains("field 'workloads[0].params.size': expected 1 to"), error(kmalloc));
        assertTrue(error(VALID.replace("mem: 1G", "mem: 1G, swap: 2P")).contains("field 'node.swap'"));
    }

    @Test
    void anUnknownModelIsRejectedWithItsLineAndField() {
        String msg = error(VALID.replace("dentry-walker", "dentry-walkr"));
        assertTrue(msg.startsWith("x.yaml:13: field 'workloads[0].model': unknown model 'dentry-walkr'"), msg);
    }

    @Test
    void aBadSizeNamesTheField() {
        String msg = error(VALID.replace("limit: 64M", "limit: 64Q"));
        assertTrue(msg.startsWith("x.yaml:9: field 'cgroups[0].limit'"), msg);
    }

    @Test
    void anUnknownFieldIsRejected() {
        String msg = error(VALID.replace("seed: 3", "sede: 3"));
        assertTrue(msg.startsWith("x.yaml:2: field 'sede': unknown field"), msg);
    }

    @Test
    void aWorkloadInAnUndeclaredCgroupIsRejected() {
        String msg = error(VALID.replace("cgroup: /web", "cgroup: /db"));
        assertTrue(msg.contains("field 'workloads[0].cgroup': '/db' is not in the cgroups list"), msg);
    }

    @Test
    void aPaceMustBePositive() throws Exception {
        assertEquals(0.0, ExperimentParser.parse(VALID, "x.yaml").speed());
        assertEquals(2.5, ExperimentParser.parse(VALID + "speed: 2.5\n", "x.yaml").speed());
        assertTrue(error(VALID + "speed: 0\n").contains("field 'speed': expected a pace"));
        assertTrue(error(VALID + "speed: fast\n").contains("field 'speed'"));
    }

    @Test
    void theErrorCarriesItsLineAndFieldForAnHttpBody() {
        ExperimentException e = assertThrows(ExperimentException.class,
                () -> ExperimentParser.parse(VALID.replace("limit: 64M", "limit: 64Q"), "x.yaml"));
        assertEquals(9, e.line());
        assertEquals("cgroups[0].limit", e.field());
        assertEquals("x.yaml", e.source());
    }

    @Test
    void missingRequiredFieldsAndBadKernelOptionsAreNamed() {
        assertTrue(error(VALID.replace("nodes: 4\n", "")).contains("field 'nodes': required"));
        assertTrue(error(VALID + "kernel: kmem-bogus\n").contains("field 'kernel': unknown kernel option"));
        assertTrue(error("[1, 2]").contains("expected a mapping"));
        assertTrue(error("name: [").startsWith("x.yaml: not valid YAML"));
    }

    @Test
    void theBundledExamplesParse() throws Exception {
        ExperimentParser.parse(Files.readString(Path.of("../examples/quickstart.yaml")), "quickstart.yaml");
        ExperimentParser.parse(Files.readString(Path.of("src/main/resources/io/memfleet/workload/demo.yaml")), "demo.yaml");
    }
}
