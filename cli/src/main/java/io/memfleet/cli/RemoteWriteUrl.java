package io.memfleet.cli;

import java.net.URI;
import java.net.URISyntaxException;

/** The {@code --remote-write URL} of the commands that start a controller: an http(s) URL with a host, or a usage error. */
final class RemoteWriteUrl {
    private RemoteWriteUrl() {
    }

    static URI parse(String url) {
        try {
            URI u = new URI(url);
            if (u.getHost() != null && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                return u;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new UserError("--remote-write: not a remote-write URL such as http://127.0.0.1:9090/api/v1/write: '"
                + url + "'", 2);
    }
}
