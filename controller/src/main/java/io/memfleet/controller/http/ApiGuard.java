package io.memfleet.controller.http;

import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * What a state-changing request must bring: the controller's token ({@code Authorization: Bearer
 * TOKEN}, 401 without it), a body of the right media type (415 otherwise: no form or text/plain
 * body, so no web page can post to the fleet), and an answer within the request timeout.
 */
final class ApiGuard {
    static final Set<String> JSON = Set.of("application/json");
    static final Set<String> YAML = Set.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml");
    static final long REQUEST_TIMEOUT_MS = 30_000;
    static final int IDLE_TIMEOUT_S = 60;

    private final byte[] token;

    ApiGuard(String token) {
        this.token = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    void requireToken(RoutingContext ctx) {
        String given = ctx.request().getHeader("Authorization");
        if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            ControllerVerticle.error(ctx, 401, given == null
                    ? "this request changes the fleet: send the controller's token as 'Authorization: Bearer TOKEN' "
                    + "(printed at its start; --token or MEMFLEET_TOKEN sets it)"
                    : "wrong token");
            return;
        }
        ctx.next();
    }

    /** A form body (urlencoded or multipart) is refused on every route: none takes one. */
    void refuseForms(RoutingContext ctx) {
        String ct = ctx.request().getHeader("Content-Type");
        String base = ct == null ? "" : ct.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (base.equals("application/x-www-form-urlencoded") || base.startsWith("multipart/")) {
            ControllerVerticle.error(ctx, 415, "no route takes a form body (" + ct + ")");
            return;
        }
        ctx.next();
    }

    void requireType(RoutingContext ctx, Set<String> types) {
        String ct = ctx.request().getHeader("Content-Type");
        String base = ct == null ? "" : ct.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!types.contains(base)) {
            ControllerVerticle.error(ctx, 415, "the body must be " + String.join(" or ", types.stream().sorted().toList())
                    + (ct == null ? " (no Content-Type given)" : ", not " + ct));
            return;
        }
        ctx.next();
    }
}
