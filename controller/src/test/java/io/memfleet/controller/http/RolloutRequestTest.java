package io.memfleet.controller.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.memfleet.proto.v1.ConfigRollout;
import org.junit.jupiter.api.Test;

class RolloutRequestTest {
    private static String refusal(String body) {
        return assertThrows(RolloutRequest.Invalid.class, () -> RolloutRequest.parse(body, 1)).getMessage();
    }

    @Test
    void aWellFormedRequestBecomesItsRollout() throws Exception {
        ConfigRollout r = RolloutRequest.parse("{\"rollout_id\": \"r1\", \"selector\": {\"prefix\": \"exp-\", "
                + "\"nodes\": [\"n1\"]}, \"cgroups\": [{\"path\": \"/web\", \"limit_in_bytes\": 1048576, "
                + "\"use_hierarchy\": true, \"swappiness\": 10}]}", 7);
        assertEquals("r1", r.getRolloutId());
        assertEquals(7, r.getGeneration());
        assertEquals("exp-", r.getSelector().getNodeIdPrefix());
        assertEquals("n1", r.getSelector().getNodeIds(0));
        assertEquals(1048576, r.getCgroups(0).getLimitInBytes());
        assertEquals(10, r.getCgroups(0).getSwappiness());
    }

    @Test
    void noSelectorMeansEveryNode() throws Exception {
        assertEquals(true, RolloutRequest.parse("{\"rollout_id\": \"r\", \"cgroups\": [{\"path\": \"/\"}]}", 1)
                .getSelector().getAll());
    }

    @Test
    void aBodyThatIsNoJsonObjectIsSaidSo() {
        for (String body : new String[] {"", "[1]", "not json", "42", "null"}) {
            assertEquals("the body must be a JSON object: {\"rollout_id\": ..., \"cgroups\": [...]}", refusal(body), body);
        }
    }

    @Test
    void eachFieldOfTheWrongTypeIsNamedWithWhatItNeeds() {
        assertEquals("rollout_id: expected a string, got 5", refusal("{\"rollout_id\": 5, \"cgroups\": []}"));
        assertEquals("selector: expected an object, got the string \"all\"",
                refusal("{\"rollout_id\": \"r\", \"selector\": \"all\", \"cgroups\": [{\"path\": \"/\"}]}"));
        assertEquals("selector.nodes[0]: expected a node id, got 3",
                refusal("{\"rollout_id\": \"r\", \"selector\": {\"nodes\": [3]}, \"cgroups\": [{\"path\": \"/\"}]}"));
        assertEquals("cgroups: expected a list, got {}", refusal("{\"rollout_id\": \"r\", \"cgroups\": {}}"));
        assertEquals("cgroups[0]: expected an object, got the string \"/web\"", refusal("{\"rollout_id\": \"r\", \"cgroups\": [\"/web\"]}"));
        assertEquals("cgroups[0].path: expected a string, got 1", refusal("{\"rollout_id\": \"r\", \"cgroups\": [{\"path\": 1}]}"));
        assertEquals("cgroups[0].limit_in_bytes: expected an integer number of bytes, -1 (unlimited) or 0 to "
                + Long.MAX_VALUE + ", got the string \"1G\"",
                refusal("{\"rollout_id\": \"r\", \"cgroups\": [{\"path\": \"/\", \"limit_in_bytes\": \"1G\"}]}"));
        assertEquals("cgroups[0].colour: unknown field",
                refusal("{\"rollout_id\": \"r\", \"cgroups\": [{\"path\": \"/\", \"colour\": 1}]}"));
    }

    @Test
    void requiredFieldsAreAskedFor() {
        assertEquals("rollout_id is required", refusal("{\"cgroups\": [{\"path\": \"/\"}]}"));
        assertEquals("cgroups: a non-empty list is required", refusal("{\"rollout_id\": \"r\", \"cgroups\": []}"));
        assertEquals("cgroups[0].path must start with '/'", refusal("{\"rollout_id\": \"r\", \"cgroups\": [{}]}"));
    }
}
