package tocsin.server;

import org.junit.jupiter.api.Test;
import tocsin.core.access.Scope;
import tocsin.server.http.Access;
import tocsin.server.http.Dialect;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Stopping the server lets requests already being served finish, then closes the stores and the data dir. */
class GracefulShutdownIT {

    @Test
    void inFlightRequestsFinishBeforeTheServerStops() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        TestServer tocsin = TestServer.start(c -> c, routes -> routes.family(Dialect.TOCSIN)
                .get("/api/tocsin/test-slow", Access.scope(Scope.READ), ex -> {
                    entered.countDown();
                    Thread.sleep(1500);
                    ex.json(200, java.util.Map.of("finished", true));
                }));
        CompletableFuture<HttpResponse<String>> slow = HttpClient.newHttpClient().sendAsync(
                tocsin.request("/api/tocsin/test-slow").header("Authorization", "Bearer " + TestServer.ADMIN_KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        long start = System.nanoTime();
        tocsin.close();
        assertThat((System.nanoTime() - start) / 1e9).as("stop waited for the request").isGreaterThan(0.5);
        HttpResponse<String> r = slow.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"finished\":true}");
    }
}
