package tocsin.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Option;
import tocsin.core.access.AccessStore;
import tocsin.server.datadir.DataDir;
import tocsin.state.StateConfig;
import tocsin.state.StateStore;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/**
 * Where an administrative command acts: on the data dir directly (only while no server holds it), or on a running
 * server through its API.
 */
final class StateTarget {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:TOCSIN_DATA_DIR:-./tocsin-data}",
            description = "Data directory to act on when no server runs on it (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:TOCSIN_DATABASE_URL}",
            description = "PostgreSQL URL, when the server uses one.")
    String databaseUrl;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:TOCSIN_SERVER}",
            description = "Act through a running server instead, e.g. http://127.0.0.1:8080 (needs --api-key).")
    String server;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:TOCSIN_API_KEY}",
            description = "An admin API key for --server.")
    String apiKey;

    boolean remote() {
        return server != null && !server.isBlank();
    }

    /** The data dir and state store, opened for the duration of one command. */
    record Local(DataDir dir, StateStore state) implements AutoCloseable {
        AccessStore access() {
            return state.accessStore();
        }

        @Override
        public void close() {
            state.close();
            dir.close();
        }
    }

    Local openLocal() {
        DataDir dir;
        try {
            dir = DataDir.openExisting(dataDir, "cli");
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage()
                    + (e.getMessage().contains("in use") ? " To act through the running server, pass "
                    + "--server http://HOST:PORT --api-key KEY." : ""), e);
        }
        try {
            return new Local(dir, StateStore.open(new StateConfig(blankToNull(databaseUrl), dir.root(),
                    InstantSource.system(), 2)));
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    Client client() {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalStateException("--server needs --api-key (or TOCSIN_API_KEY) with the admin scope");
        }
        return new Client(server.endsWith("/") ? server.substring(0, server.length() - 1) : server, apiKey);
    }

    /** A minimal JSON client for Tocsin's own API. */
    record Client(String base, String apiKey) {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        JsonNode send(String method, String path, Object body) throws IOException, InterruptedException {
            HttpResponse<byte[]> r = exchange(method, path, body);
            JsonNode json = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
            if (r.statusCode() >= 300) {
                String detail = json.path("detail").asText(json.toString());
                throw new IllegalStateException(method + " " + path + " failed with " + r.statusCode() + ": " + detail
                        + (json.has("errors") ? " " + json.get("errors") : ""));
            }
            return json;
        }

        int sendForStatus(String method, String path) throws IOException, InterruptedException {
            int status = exchange(method, path, null).statusCode();
            if (status == 401 || status == 403) {
                throw new IllegalStateException(method + " " + path + " was refused (" + status
                        + "): check --api-key and that it has the admin scope");
            }
            return status;
        }

        private HttpResponse<byte[]> exchange(String method, String path, Object body)
                throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + apiKey)
                    .header("Accept", "application/json");
            if (body != null) {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            try {
                return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (java.net.ConnectException e) {
                throw new IllegalStateException("cannot connect to " + base + ": is the server running there?", e);
            }
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
