package io.memfleet.controller.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The dashboard's static files: its page script and the chart library from its WebJar (no CDN: it works offline). */
final class Assets {
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/"
            + new String(read("/io/memfleet/controller/uplot.version"), java.nio.charset.StandardCharsets.UTF_8).trim() + "/dist/";
    /** A file as served: its bytes (read once, at class load) and media type. */
    private record Asset(byte[] bytes, String type) { }

    private static final Map<String, Asset> FILES = Map.of(
            "uPlot.iife.min.js", new Asset(read(UPLOT + "uPlot.iife.min.js"), "text/javascript; charset=utf-8"),
            "uPlot.min.css", new Asset(read(UPLOT + "uPlot.min.css"), "text/css; charset=utf-8"),
            "dashboard.js", new Asset(read("/dashboard.js"), "text/javascript; charset=utf-8"));

    private Assets() {
    }

    static void handle(RoutingContext ctx) {
        Asset f = FILES.get(ctx.pathParam("file"));
        if (f == null) {
            ControllerVerticle.error(ctx, 404, "no such asset: " + ctx.pathParam("file"));
            return;
        }
        ctx.response().putHeader("content-type", f.type()).putHeader("cache-control", "max-age=3600").end(Buffer.buffer(f.bytes()));
    }

    static byte[] read(String resource) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " (a broken build)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
