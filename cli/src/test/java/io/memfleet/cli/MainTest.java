package io.memfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The launcher's command line: mistakes exit 2 with a message naming the flag, before anything starts. */
class MainTest {
    /** What a command printed, and its exit status. */
    record Outcome(int status, String out, String err) { }

    static Outcome memfleet(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.execute(args, o, e);
        }
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownFlagExitsTwoNamingIt() {
        Outcome o = memfleet("run", "../examples/quickstart.yaml", "--out", "target/never", "--kernal", "nokmem");
        assertEquals(2, o.status(), o.err());
        assertTrue(o.err().contains("--kernal"), o.err());
        assertFalse(o.err().contains("at io.memfleet"), "no stack trace: " + o.err());
    }

    @Test
    void aValueOfTheWrongTypeExitsTwoNamingTheFlag() {
        Outcome o = memfleet("run", "../examples/quickstart.yaml", "--out", "target/never", "--agents", "abc");
        assertEquals(2, o.status(), o.err());
        assertTrue(o.err().contains("--agents"), o.err());
        assertFalse(o.err().contains("NumberFormatException"), o.err());
    }

    @Test
    void numbersOutOfRangeExitTwoNamingTheFlagAndItsRange() {
        String[][] cases = {{"agent", "--loops", "0"}, {"agent", "--http-port", "70000"}, {"broker", "--port", "-5"},
            {"controller", "--http-port", "65536"}, {"cluster", "up", "--agents", "-1"}, {"generate", "--threads", "x"}};
        for (String[] c : cases) {
            Outcome o = memfleet(c);
            assertEquals(2, o.status(), String.join(" ", c) + ": " + o.err());
            assertTrue(o.err().contains(c[c.length - 2]) && (o.err().contains("out of range") || o.err().contains("not a number")),
                    o.err());
            assertFalse(o.err().contains("Exception"), o.err());
        }
    }

    @Test
    void aBadDurationExitsTwoWithTheParsersReason() {
        Outcome o = memfleet("run", "../examples/quickstart.yaml", "--out", "target/never", "--timeout", "5 parsecs");
        assertEquals(2, o.status(), o.err());
        assertTrue(o.err().contains("--timeout"), o.err());
    }

    @Test
    void aBadKafkaConfigFileExitsTwoNamingTheFileAndKey() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("memfleet-kafka", ".properties");
        try {
            java.nio.file.Files.writeString(f, "security.protocol=SSL\nssl.truststore.locaton=/x\n");
            Outcome o = memfleet("agent", "--bootstrap", "127.0.0.1:1", "--kafka-config", f.toString());
            assertEquals(2, o.status(), o.err());
            assertTrue(o.err().contains("--kafka-config " + f + ": ssl.truststore.locaton: not a Kafka client setting"),
                    o.err());
            Outcome embedded = memfleet("agent", "--kafka-config", f.toString());
            assertEquals(2, embedded.status(), embedded.err());
            assertTrue(embedded.err().contains("needs --bootstrap"), embedded.err());
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void anUnknownCommandExitsTwoNamingTheNearestOne() {
        Outcome o = memfleet("rnu");
        assertEquals(2, o.status(), o.err());
        assertTrue(o.err().startsWith("memfleet: unknown command 'rnu' (did you mean 'run'?)"), o.err());
    }

    @Test
    void anUnknownFlagIsNamedBeforeARequiredOneIsMissed() {
        Outcome o = memfleet("run", "../examples/quickstart.yaml", "--ouut", "target/never");
        assertEquals(2, o.status(), o.err());
        assertTrue(o.err().startsWith("memfleet run: unknown option '--ouut' (did you mean '--out'?)"), o.err());
        Outcome prefix = memfleet("run", "../examples/quickstart.yaml", "--ou", "target/never");
        assertTrue(prefix.err().startsWith("memfleet run: unknown option '--ou' (did you mean '--out'?)"), prefix.err());
        Outcome value = memfleet("run", "../examples/quickstart.yaml", "--out", "target/never", "--time=5s");
        assertTrue(value.err().startsWith("memfleet run: unknown option '--time' (did you mean '--timeout'?)"),
                value.err());
        Outcome sim = memfleet("sim", "--kern", "nokmem", "x.msim");
        assertTrue(sim.err().startsWith("memfleet sim: unknown option '--kern' (did you mean '--kernel'?)"), sim.err());
    }

    @Test
    void durationsTakeHoursAndDays() {
        for (String d : new String[] {"1h", "2d"}) {
            Outcome o = memfleet("run", "target/no-such-file.yaml", "--out", "target/never", "--timeout", d);
            assertEquals("memfleet run: target/no-such-file.yaml: no such file\n", o.err(), "--timeout " + d + " parsed");
        }
    }

    @Test
    void theLaunchersClasspathHasExactlyOneLoggingProvider() throws Exception {
        ClassLoader cl = MainTest.class.getClassLoader();
        var providers = java.util.Collections.list(cl.getResources("META-INF/services/org.slf4j.spi.SLF4JServiceProvider"));
        assertEquals(1, providers.size(), "SLF4J warns at every start about none or several: " + providers);
        assertTrue(providers.get(0).toString().contains("slf4j-simple"), providers.toString());
        assertEquals(java.util.List.of(), java.util.Collections.list(cl.getResources("org/slf4j/impl/StaticLoggerBinder.class")),
                "an SLF4J 1.x binding, which SLF4J 2 ignores with a warning");
    }

    @Test
    void anExperimentFileWithAMistakeIsRefusedWithItsLineBeforeAnythingStarts() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("bad", ".yaml");
        java.nio.file.Files.writeString(f, java.nio.file.Files.readString(java.nio.file.Path.of("../examples/quickstart.yaml"))
                .replace("model: dentry-walker", "model: dentry-walkr"));
        Outcome o = memfleet("run", f.toString(), "--out", "target/never");
        assertTrue(o.status() != 0, o.out() + o.err());
        assertTrue(o.err().contains(f + ":"), o.err());
        assertTrue(o.err().contains("dentry-walkr"), o.err());
        assertFalse(o.out().contains("embedded Kafka broker"), "nothing was started: " + o.out());
    }

    @Test
    void helpListsEveryCommand() {
        Outcome o = memfleet("--help");
        assertEquals(0, o.status());
        for (String c : new String[] {"run", "demo", "sim", "cluster", "controller", "agent", "generate", "broker"}) {
            assertTrue(o.out().contains(c), c + " in\n" + o.out());
        }
    }
}
