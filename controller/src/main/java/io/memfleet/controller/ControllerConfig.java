package io.memfleet.controller;

import io.memfleet.common.Topics;

/**
 * The controller's configuration: the cluster and the fleet's topics, where the HTTP API listens,
 * how many nodes and cgroups per node /metrics exports one by one, and how many threads its
 * built-in workload generator uses (0: none; separate {@code memfleet generate} processes do it).
 */
public record ControllerConfig(String bootstrap, Topics topics, String httpHost, int httpPort, int maxMetricNodes,
                               int maxMetricCgroups, int generatorThreads, String clientId) {
    public static final int DEFAULT_MAX_METRIC_NODES = 1000;
    public static final int DEFAULT_MAX_METRIC_CGROUPS = 64;

    public ControllerConfig {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("the controller needs a Kafka bootstrap address");
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("the HTTP port must be 0 to 65535, got " + httpPort);
        }
    }

    public static ControllerConfig of(String bootstrap, Topics topics, int httpPort) {
        return new ControllerConfig(bootstrap, topics, "127.0.0.1", httpPort, DEFAULT_MAX_METRIC_NODES,
                DEFAULT_MAX_METRIC_CGROUPS, Runtime.getRuntime().availableProcessors(), topics.prefix() + "-controller");
    }

    public ControllerConfig withHttpHost(String host) {
        return new ControllerConfig(bootstrap, topics, host, httpPort, maxMetricNodes, maxMetricCgroups, generatorThreads,
                clientId);
    }

    public ControllerConfig withGeneratorThreads(int n) {
        return new ControllerConfig(bootstrap, topics, httpHost, httpPort, maxMetricNodes, maxMetricCgroups, n, clientId);
    }
}
