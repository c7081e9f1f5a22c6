package tocsin.bench;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The bench's hand-written HTTP/1.1 sender against a scripted server on loopback: what it sends, and every way a
 * server may frame or end its answer.
 */
class LoadSenderTest {
    /** At the end of a scripted answer: close the connection after writing it. */
    private static final String CLOSE = "<close>";

    /** A loopback server that reads each request (head and Content-Length body) and writes the next scripted answer. */
    private static final class ScriptedServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        final List<String> heads = Collections.synchronizedList(new ArrayList<>());
        final List<byte[]> bodies = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger connections = new AtomicInteger();
        final Thread acceptor = Thread.ofPlatform().daemon(true).start(this::accept);

        ScriptedServer() throws IOException {
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/api/v1/write?x=1");
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    connections.incrementAndGet();
                    Thread.ofPlatform().daemon(true).start(() -> serve(s));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    heads.add(head);
                    int length = 0;
                    for (String line : head.split("\r\n")) {
                        if (line.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    bodies.add(in.readNBytes(length));
                    String answer = answers.take();
                    if (answer.equals("DROP")) { // close without answering, as a server ending a kept-alive connection
                        return;
                    }
                    boolean close = answer.endsWith(CLOSE);
                    out.write(answer.replace(CLOSE, "").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (close) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            for (int b; (b = in.read()) >= 0; ) {
                head.write(b);
                matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
                if (matched == 4) {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private ScriptedServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private LoadSender sender() throws IOException {
        server = new ScriptedServer();
        return new LoadSender(LoadSender.Target.of(server.uri(), Map.of("Content-Encoding", "snappy")));
    }

    @Test
    void sendsTheHeadTheHeadersAndTheBodyAndKeepsTheConnection() throws IOException {
        try (LoadSender sender = sender()) {
            server.answers.add("HTTP/1.1 204 No Content\r\nDate: x\r\n\r\n");
            server.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
            server.answers.add("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\ncontent-length: 3\r\n\r\nbad");

            assertThat(sender.post(new byte[]{1, 2, 3})).isEqualTo(204);
            assertThat(sender.post(new byte[0])).isEqualTo(200);
            assertThat(sender.post("x".repeat(100_000).getBytes(StandardCharsets.US_ASCII))).isEqualTo(400);
        }
        assertThat(server.connections).hasValue(1);
        assertThat(server.heads.getFirst()).startsWith("POST /api/v1/write?x=1 HTTP/1.1\r\n")
                .contains("\r\nHost: 127.0.0.1:" + server.socket.getLocalPort() + "\r\n")
                .contains("\r\nContent-Encoding: snappy\r\n").contains("\r\nContent-Length: 3\r\n");
        assertThat(server.bodies.get(0)).containsExactly(1, 2, 3);
        assertThat(server.bodies.get(2)).hasSize(100_000);
    }

    @Test
    void skipsChunkedBodiesWithExtensionsAndTrailers() throws IOException {
        try (LoadSender sender = sender()) {
            server.answers.add("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;name=v\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n");
            server.answers.add("HTTP/1.1 204 No Content\r\n\r\n");

            assertThat(sender.post(new byte[1])).isEqualTo(400);
            assertThat(sender.post(new byte[1])).isEqualTo(204); // the next answer was read from the right place
        }
        assertThat(server.connections).hasValue(1);
    }

    @Test
    void skipsAnInterimAnswer() throws IOException {
        try (LoadSender sender = sender()) {
            server.answers.add("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");
            assertThat(sender.post(new byte[1])).isEqualTo(204);
        }
    }

    @Test
    void reconnectsAfterConnectionCloseAndAfterABodyToTheEnd() throws IOException {
        try (LoadSender sender = sender()) {
            server.answers.add("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n" + CLOSE);
            // no length: the body ends with the connection
            server.answers.add("HTTP/1.0 200 OK\r\n\r\nto the end" + CLOSE);
            server.answers.add("HTTP/1.1 204 No Content\r\n\r\n");

            assertThat(sender.post(new byte[1])).isEqualTo(204);
            assertThat(sender.post(new byte[1])).isEqualTo(200);
            assertThat(sender.post(new byte[1])).isEqualTo(204);
        }
        assertThat(server.connections).hasValue(3);
    }

    @Test
    void sendsOnceMoreWhenAKeptAliveConnectionWasDropped() throws IOException {
        try (LoadSender sender = sender()) {
            server.answers.add("HTTP/1.1 204 No Content\r\n\r\n");
            server.answers.add("DROP");
            server.answers.add("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");

            assertThat(sender.post(new byte[]{7})).isEqualTo(204);
            assertThat(sender.post(new byte[]{8})).isEqualTo(202);
        }
        assertThat(server.connections).hasValue(2);
        assertThat(server.bodies).hasSize(3);
        assertThat(server.bodies.get(2)).containsExactly(8);
    }

    @Test
    void failsWhenANewConnectionIsDroppedOrTheAnswerIsNotHttp() throws IOException {
        try (LoadSender sender = sender()) {
            server.answers.add("DROP");
            assertThatThrownBy(() -> sender.post(new byte[1])).isInstanceOf(IOException.class)
                    .hasMessageContaining("new connection");

            server.answers.add("SSH-2.0-OpenSSH\r\n\r\n");
            assertThatThrownBy(() -> sender.post(new byte[1])).isInstanceOf(IOException.class)
                    .hasMessageContaining("not an HTTP/1.x status line");

            server.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort" + CLOSE);
            assertThatThrownBy(() -> sender.post(new byte[1])).isInstanceOf(IOException.class)
                    .hasMessageContaining("mid-body");
        }
    }
}
