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
            + read("/io/memfleet/controller/uplot.version").toString().trim() + "/dist/";
    private static final Map<String, String[]> FILES = Map.of(
            "uPlot.iife.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"},
            "dashboard.js", new String[] {"/dashboard.js", "text/javascript; charset=utf-8"});

    private Assets() {
    }

    static void handle(RoutingContext ctx) {
        String[] f = FILES.get(ctx.pathParam("file"));
        if (f == null) {
            ControllerVerticle.error(ctx, 404, "no such asset: " + ctx.pathParam("file"));
            return;
        }
        ctx.response().putHeader("content-type", f[1]).putHeader("cache-control", "max-age=3600").end(read(f[0]));
    }

    static Buffer read(String resource) {
        try (InputStream in = Assets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource + " (a broken build)");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
