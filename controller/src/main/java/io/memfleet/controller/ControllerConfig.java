package io.memfleet.controller;

import io.memfleet.common.Topics;
import io.memfleet.controller.model.FleetMetrics;

/**
 * The controller's configuration: the cluster and the fleet's topics, where the HTTP API listens,
 * how much per-node detail /metrics exports (and whether under cAdvisor's names too), and
 * the token every state-changing HTTP request must carry, and the Prometheus remote-write endpoint
 * that experiments' series go to in simulated time (null: none).
 */
public record ControllerConfig(String bootstrap, Topics topics, String httpHost, int httpPort,
                               FleetMetrics.Options metrics, String clientId,
                               String token, java.net.URI remoteWrite) {
    public static final int DEFAULT_MAX_METRIC_NODES = 1000;
    public static final int DEFAULT_MAX_METRIC_CGROUPS = 64;

    public ControllerConfig {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("the controller needs a Kafka bootstrap address");
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("the HTTP port must be 0 to 65535, got " + httpPort);
        }
        if (token == null || token.length() < 16 || !token.matches("[A-Za-z0-9._~+/=-]+")) {
            throw new IllegalArgumentException("the API token must be at least 16 characters of A-Z a-z 0-9 . _ ~ + / = -");
        }
    }

    /** A fresh random API token (32 hex digits). */
    public static String newToken() {
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    public static ControllerConfig of(String bootstrap, Topics topics, int httpPort) {
        return new ControllerConfig(bootstrap, topics, "127.0.0.1", httpPort,
                new FleetMetrics.Options(DEFAULT_MAX_METRIC_NODES, DEFAULT_MAX_METRIC_CGROUPS, false),
                topics.prefix() + "-controller", newToken(), null);
    }

    public ControllerConfig withHttpHost(String host) {
        return new ControllerConfig(bootstrap, topics, host, httpPort, metrics, clientId, token, remoteWrite);
    }

    public ControllerConfig withMetrics(FleetMetrics.Options options) {
        return new ControllerConfig(bootstrap, topics, httpHost, httpPort, options, clientId, token, remoteWrite);
    }

    public ControllerConfig withRemoteWrite(java.net.URI url) {
        return new ControllerConfig(bootstrap, topics, httpHost, httpPort, metrics, clientId, token, url);
    }
}
