package io.memfleet.cli;

import io.memfleet.controller.kafka.ControllerLease;
import java.io.IOException;
import java.time.Duration;

/**
 * A controller process under the fleet's lease ({@link ControllerLease}): it acts only while it
 * holds the lease. Until then it waits as a standby (saying so, its port answering as
 * {@link StandbyServer}); once it holds the lease it starts its controller, which rebuilds the
 * fleet's state from the topics; if it loses the lease it stops that controller at once and waits
 * again. Ctrl-C or SIGTERM ends it in any state, handing the lease on at once.
 */
final class LeasedController {
    /** Starts the controller (and what runs beside it) once the lease is held; the caller prints where it serves. */
    interface Start {
        AutoCloseable start() throws Exception;
    }

    private static final Duration LOOK = Duration.ofMillis(200);

    private LeasedController() {
    }

    static void serve(Console io, Bootstrap b, String clientId, String host, int port, Start start) throws Exception {
        Shutdown stop = Shutdown.process();
        try (ControllerLease lease = new ControllerLease(b.address(), b.topics(), clientId, io.err())) {
            while (!stop.requested()) {
                if (!standby(io, lease, host, port)) {
                    return;
                }
                AutoCloseable c = start.start();
                try {
                    while (lease.held()) {
                        if (stop.awaitRequest(LOOK)) {
                            return;
                        }
                    }
                    io.err().println("memfleet controller: lost the fleet's lease (another controller holds it: this one "
                            + "was not heard from for " + ControllerLease.SESSION_TIMEOUT_MS / 1000 + " s); its work "
                            + "stopped at once, and it waits as a standby");
                } finally {
                    Services.closeAll(io.err(), c);
                }
            }
        }
    }

    /** Waits until the lease is held (true) or a stop is asked for (false), as a standby if it takes a moment. */
    private static boolean standby(Console io, ControllerLease lease, String host, int port) throws Exception {
        if (lease.awaitHeld(Duration.ofSeconds(3))) {
            return true;
        }
        try (StandbyServer s = open(host, port, lease.group())) {
            io.out().println("memfleet controller: standby: another controller holds this fleet's lease (consumer group "
                    + lease.group() + ")" + (s == null ? "" : "; http://" + host + ":" + s.port() + "/healthz says so")
                    + "; this one takes over when it stops");
            while (!lease.awaitHeld(LOOK)) {
                if (Shutdown.process().requested()) {
                    return false;
                }
            }
        }
        io.out().println("memfleet controller: took over the fleet's lease; active");
        return true;
    }

    private static StandbyServer open(String host, int port, String group) {
        try {
            return StandbyServer.start(host, port, group);
        } catch (IOException e) {
            return null; // the port is the active one's on this host: the standby serves nothing
        }
    }
}
