package io.memfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --remote-write URL}: refused with status 2 before anything starts when it cannot be used. */
class RemoteWriteFlagTest {
    @TempDir
    Path tmp;

    @Test
    void aUrlThatIsNotHttpIsRefusedNamingTheFlag() {
        for (String[] args : new String[][] {
            {"run", "../examples/quickstart.yaml", "--out", tmp.resolve("a").toString(), "--remote-write", "ftp://x/y"},
            {"controller", "--remote-write", "not a url"},
            {"cluster", "up", "--dir", tmp.resolve("c").toString(), "--remote-write", "127.0.0.1:9090"}}) {
            MainTest.Outcome o = MainTest.memfleet(args);
            assertEquals(2, o.status(), String.join(" ", args) + ": " + o.err());
            assertTrue(o.err().contains("--remote-write: not a remote-write URL"), o.err());
            assertFalse(o.err().contains("\tat "), o.err());
        }
        assertFalse(Files.exists(tmp.resolve("a")), "nothing written");
    }

    @Test
    void aRunOnAStandingFleetLeavesTheRemoteWriteToItsController() {
        MainTest.Outcome o = MainTest.memfleet("run", "../examples/quickstart.yaml", "--out", tmp.resolve("b").toString(),
                "--bootstrap", "127.0.0.1:1", "--remote-write", "http://127.0.0.1:9090/api/v1/write");
        assertEquals(2, o.status(), o.err());
        assertTrue(o.err().contains("memfleet controller --remote-write URL"), o.err());
    }
}
