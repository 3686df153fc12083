package io.recsys.api.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A port nothing listens on, for a server asked to listen on port 0. Vert.x shares a port between the servers of
 * one process only when they ask for the same number, so the one-server-per-core deployment needs the number first.
 */
final class FreePort {

    private FreePort() {
    }

    static int on(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        }
    }
}
