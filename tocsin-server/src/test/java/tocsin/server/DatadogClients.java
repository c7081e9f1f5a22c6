package tocsin.server;

import com.datadog.api.client.ApiClient;

import java.util.Map;

/** The Datadog Java API client pointed at a test server with the admin key (DEPENDENCIES.md section 11). */
final class DatadogClients {
    private DatadogClients() {
    }

    static ApiClient forServer(TestServer tocsin) {
        return forServer(tocsin, TestServer.ADMIN_KEY);
    }

    /** The client sending {@code key} as both its API and application key. */
    static ApiClient forServer(TestServer tocsin, String key) {
        ApiClient client = new ApiClient();
        client.setServerIndex(1);
        client.setServerVariables(Map.of("protocol", "http", "name", "127.0.0.1:" + tocsin.port()));
        client.configureApiKeys(Map.of("apiKeyAuth", key, "appKeyAuth", key));
        return client;
    }
}
