package io.memfleet.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * What a standby controller answers on its HTTP port while another holds the fleet's lease:
 * {@code /healthz} says it is alive and waiting (200), anything else that it serves nothing yet
 * (503, with where to go). It is closed, freeing the port, when the controller becomes active.
 */
final class StandbyServer implements AutoCloseable {
    private final HttpServer server;

    private StandbyServer(HttpServer server) {
        this.server = server;
    }

    static StandbyServer start(String host, int port, String group) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
        byte[] healthy = "{\"status\":\"standby\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] refused = ("{\"error\":\"this controller is a standby: another controller holds the fleet's lease "
                + "(consumer group " + group + ") and serves it; this one takes over when it stops\"}\n")
                .getBytes(StandardCharsets.UTF_8);
        s.createContext("/", x -> {
            boolean health = x.getRequestURI().getPath().equals("/healthz");
            byte[] body = health ? healthy : refused;
            x.getResponseHeaders().set("content-type", "application/json");
            x.getResponseHeaders().set("retry-after", "10");
            x.sendResponseHeaders(health ? 200 : 503, body.length);
            try (OutputStream o = x.getResponseBody()) {
                o.write(body);
            }
        });
        s.start();
        return new StandbyServer(s);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
