package io.memfleet.it.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries TCP connections between the loopbacks of two network namespaces over a Unix socket (a
 * file both see): inside the namespace, {@link #main} listens on 127.0.0.1:PORT and forwards each
 * connection to the socket; outside, {@link #toTcp} serves the socket and connects each to
 * 127.0.0.1:PORT. A process in the namespace reaches the broker at the address the broker
 * advertises, every byte stays on a loopback, and taking the namespace's loopback down cuts that
 * process off the network and nothing else.
 */
public final class LoopRelay implements AutoCloseable {
    private final ServerSocketChannel server;
    private final List<SocketChannel> open = new ArrayList<>();

    private LoopRelay(ServerSocketChannel server) {
        this.server = server;
    }

    /** Serves {@code socket} in this process, each connection relayed to 127.0.0.1:{@code port}. */
    public static LoopRelay toTcp(Path socket, int port) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(socket));
        LoopRelay r = new LoopRelay(s);
        r.acceptLoop(() -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port)));
        return r;
    }

    /** In the namespace: {@code PORT SOCKET}, relaying 127.0.0.1:PORT to the Unix socket until killed. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path socket = Path.of(args[1]);
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress("127.0.0.1", port));
        System.out.println("relay: 127.0.0.1:" + port + " to " + socket);
        new LoopRelay(s).acceptLoop(() -> SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        Thread.currentThread().join();
    }

    private interface Target {
        SocketChannel connect() throws IOException;
    }

    private void acceptLoop(Target target) {
        Thread t = new Thread(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel in = server.accept();
                    SocketChannel out = target.connect();
                    synchronized (open) {
                        open.add(in);
                        open.add(out);
                    }
                    pump(in, out);
                    pump(out, in);
                } catch (IOException e) {
                    if (!server.isOpen()) {
                        return;
                    }
                }
            }
        }, "loop-relay-accept");
        t.setDaemon(true);
        t.start();
    }

    private static void pump(SocketChannel from, SocketChannel to) {
        Thread t = new Thread(() -> {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            try {
                while (from.read(buf) >= 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        to.write(buf);
                    }
                    buf.clear();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "loop-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (open) {
            for (SocketChannel c : open) {
                c.close();
            }
        }
    }
}
