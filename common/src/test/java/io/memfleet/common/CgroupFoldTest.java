package io.memfleet.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupFoldTest {
    private final CgroupFold fold = CgroupFold.declared(List.of("/web", "/jobs", "/batch/"));

    @Test
    void declaredPathsAndTheRootStayAsTheyAre() {
        assertEquals("/web", fold.fold("/web"));
        assertEquals("/batch", fold.fold("/batch"));
        assertEquals("/", fold.fold("/"));
    }

    @Test
    void aTransientChildFoldsIntoItsNearestDeclaredAncestor() {
        assertEquals("/jobs/*", fold.fold("/jobs/job14"));
        assertEquals("/jobs/*", fold.fold("/jobs/job14/inner"));
        assertEquals("/*", fold.fold("/scratch"));
        assertTrue(CgroupFold.isPattern(fold.fold("/jobs/job3")));
        assertFalse(CgroupFold.isPattern(fold.fold("/jobs")));
    }

    @Test
    void noneKeepsEveryPath() {
        assertEquals("/jobs/job14", CgroupFold.none().fold("/jobs/job14"));
        assertFalse(CgroupFold.none().folds());
        assertTrue(fold.folds());
    }
}
