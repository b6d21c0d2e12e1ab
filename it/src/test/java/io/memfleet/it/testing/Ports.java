package io.memfleet.it.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for the servers a test starts itself (a broker on a fixed port, a Prometheus). */
public final class Ports {
    private Ports() {
    }

    /** A port free on 127.0.0.1 now. */
    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
