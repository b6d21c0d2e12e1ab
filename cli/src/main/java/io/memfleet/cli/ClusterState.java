package io.memfleet.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code memfleet cluster up} started, kept in {@code DIR/cluster.json}: the bootstrap address,
 * the controller's URL and every process with its role, pid, port and log, so {@code status} and
 * {@code down} find them from any later command.
 */
record ClusterState(String bootstrap, String controllerUrl, String topicPrefix, List<Proc> processes) {
    /** The controller's API token (given to it on its command line), or "" when there is none. */
    String token() {
        for (Proc p : processes) {
            int i = p.args().indexOf("--token");
            if (p.role().equals("controller") && i >= 0 && i + 1 < p.args().size()) {
                return p.args().get(i + 1);
            }
        }
        return "";
    }

    /** One child process of the cluster, with the memfleet command line and heap it was started with. */
    record Proc(String name, String role, long pid, int port, String log, String heap, List<String> args) {
        JsonObject json() {
            return new JsonObject().put("name", name).put("role", role).put("pid", pid).put("port", port).put("log", log)
                    .put("heap", heap).put("args", new JsonArray(args));
        }

        static Proc of(JsonObject j) {
            List<String> args = new ArrayList<>();
            j.getJsonArray("args", new JsonArray()).forEach(a -> args.add(String.valueOf(a)));
            return new Proc(j.getString("name"), j.getString("role"), j.getLong("pid"), j.getInteger("port"),
                    j.getString("log"), j.getString("heap", "1g"), args);
        }

        Proc withPid(long p) {
            return new Proc(name, role, p, port, log, heap, args);
        }
    }

    static Path file(Path dir) {
        return dir.resolve("cluster.json");
    }

    JsonObject json() {
        JsonArray ps = new JsonArray();
        processes.forEach(p -> ps.add(p.json()));
        return new JsonObject().put("bootstrap", bootstrap).put("controller", controllerUrl)
                .put("topic_prefix", topicPrefix).put("processes", ps);
    }

    void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("cluster.json.tmp");
        Files.writeString(tmp, json().encodePrettily() + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file(dir), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The state in {@code dir}, or null when no cluster was started there. */
    static ClusterState load(Path dir) {
        Path f = file(dir);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            JsonObject j = new JsonObject(Files.readString(f, StandardCharsets.UTF_8));
            List<Proc> ps = new ArrayList<>();
            j.getJsonArray("processes").forEach(o -> ps.add(Proc.of((JsonObject) o)));
            return new ClusterState(j.getString("bootstrap"), j.getString("controller"), j.getString("topic_prefix"), ps);
        } catch (IOException | RuntimeException e) {
            throw new UserError(f + " is not a memfleet cluster state file (" + e.getMessage() + ")");
        }
    }

    ClusterState with(Proc p) {
        List<Proc> ps = new ArrayList<>(processes);
        ps.add(p);
        return new ClusterState(bootstrap, controllerUrl, topicPrefix, ps);
    }

    ClusterState replace(Proc p) {
        List<Proc> ps = new ArrayList<>();
        for (Proc q : processes) {
            ps.add(q.name().equals(p.name()) ? p : q);
        }
        return new ClusterState(bootstrap, controllerUrl, topicPrefix, ps);
    }

    ClusterState withBootstrap(String b) {
        return new ClusterState(b, controllerUrl, topicPrefix, processes);
    }

    ClusterState withController(String url) {
        return new ClusterState(bootstrap, url, topicPrefix, processes);
    }
}
