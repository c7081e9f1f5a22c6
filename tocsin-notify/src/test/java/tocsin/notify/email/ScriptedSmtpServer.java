package tocsin.notify.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An SMTP peer that answers one command with a chosen reply, to see how the channel classifies replies GreenMail
 * never sends (4xx on RCPT, 5xx after DATA). Speaks just enough RFC 5321 for a client to reach that command.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Map<String, String> replies;
    private final Thread acceptor;

    /** @param replies command verb ({@code RCPT}, {@code MAIL}, {@code DATA-END}) -> the full reply line */
    ScriptedSmtpServer(Map<String, String> replies) throws IOException {
        this.replies = replies;
        this.socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().start(this::serve);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                s.setSoTimeout(5_000);
                converse(s);
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void converse(Socket s) throws IOException {
        var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = s.getOutputStream();
        reply(out, "220 scripted.test ESMTP");
        boolean inData = false;
        String line;
        while ((line = in.readLine()) != null) {
            if (inData) {
                if (line.equals(".")) {
                    inData = false;
                    reply(out, replies.getOrDefault("DATA-END", "250 2.0.0 queued as SCRIPTED1"));
                }
                continue;
            }
            String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
            switch (verb) {
                case "EHLO" -> reply(out, "250-scripted.test\r\n250 8BITMIME");
                case "HELO" -> reply(out, "250 scripted.test");
                case "QUIT" -> {
                    reply(out, "221 2.0.0 bye");
                    return;
                }
                case "DATA" -> {
                    String r = replies.getOrDefault("DATA", "354 go ahead");
                    reply(out, r);
                    inData = r.startsWith("354");
                }
                default -> reply(out, replies.getOrDefault(verb, "250 2.0.0 OK"));
            }
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        acceptor.interrupt();
    }
}
