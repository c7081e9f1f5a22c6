package tocsin.server.dogstatsd;

import jnr.unixsocket.UnixDatagramChannel;
import jnr.unixsocket.UnixSocketAddress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Binds a Unix datagram socket, as the Datadog Agent offers DogStatsD on {@code /var/run/datadog/dsd.socket}. The
 * JDK supports Unix-domain stream sockets only, so this uses jnr-unixsocket (which the DogStatsD clients use on their
 * side too). A socket file left by a previous process is replaced; the socket is made writable by every local user,
 * since instrumented applications rarely run as the same user as the server.
 */
final class UnixDatagram {
    private UnixDatagram() {
    }

    static DatagramChannel bind(Path path) {
        try {
            Files.deleteIfExists(path);
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            UnixDatagramChannel ch = UnixDatagramChannel.open();
            ch.bind(new UnixSocketAddress(path.toFile()));
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
            } catch (UnsupportedOperationException | IOException e) {
                // best effort: the default mode still serves same-user clients
            }
            return ch;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the Unix datagram socket " + path + ": " + e.getMessage(), e);
        }
    }
}
