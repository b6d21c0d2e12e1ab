package io.memfleet.controller.model;

/** What the controller's decisions must never do (answer HTTP), for ControllerLayeringTest to see its rule fail on. */
public final class BreachAnswers {
    private BreachAnswers() {
    }

    static void answer(io.vertx.core.http.HttpServerResponse r) {
        r.end("{}");
    }
}
