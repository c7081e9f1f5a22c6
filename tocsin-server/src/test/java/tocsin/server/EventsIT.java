package tocsin.server;

import com.datadog.api.client.ApiException;
import com.datadog.api.client.v1.api.EventsApi;
import com.datadog.api.client.v1.model.Event;
import com.datadog.api.client.v1.model.EventAlertType;
import com.datadog.api.client.v1.model.EventCreateRequest;
import com.datadog.api.client.v1.model.EventCreateResponse;
import com.datadog.api.client.v1.model.EventPriority;
import com.timgroup.statsd.NonBlockingStatsDClientBuilder;
import com.timgroup.statsd.StatsDClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Datadog events end to end: posted with Datadog's Java API client and with the DogStatsD Java client ({@code _e}),
 * listed and read back through the events API with every field, filtered as Datadog filters; bad bodies and
 * parameters answered in Datadog's shape, naming the field.
 */
class EventsIT {
    static TestServer tocsin;
    static EventsApi events;

    @BeforeAll
    static void start() {
        tocsin = TestServer.start(TestServer.statsd(Duration.ofSeconds(1)), r -> {
        });
        events = new EventsApi(DatadogClients.forServer(tocsin));
    }

    @AfterAll
    static void stop() {
        tocsin.close();
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void anEventPostedWithTheApiClientIsListedAndReadBackWithEveryField() throws Exception {
        long at = now() - 120;
        EventCreateResponse created = events.createEvent(new EventCreateRequest().title("Deployed checkout 1.4")
                .text("Rolled out by CI\nto 12 hosts").dateHappened(at).priority(EventPriority.LOW)
                .alertType(EventAlertType.SUCCESS).host("web-1").sourceTypeName("jenkins").aggregationKey("deploy-14")
                .tags(List.of("service:checkout", "Env:Prod")));
        assertThat(created.getStatus()).isEqualTo("ok");
        Event e = created.getEvent();
        assertThat(e.getId()).isPositive();
        assertThat(e.getIdStr()).isEqualTo(Long.toString(e.getId()));

        Event read = events.getEvent(e.getId()).getEvent();
        assertThat(read.getTitle()).isEqualTo("Deployed checkout 1.4");
        assertThat(read.getText()).isEqualTo("Rolled out by CI\nto 12 hosts");
        assertThat(read.getDateHappened()).isEqualTo(at);
        assertThat(read.getPriority()).isEqualTo(EventPriority.LOW);
        assertThat(read.getAlertType()).isEqualTo(EventAlertType.SUCCESS);
        assertThat(read.getHost()).isEqualTo("web-1");
        assertThat(read.getSourceTypeName()).isEqualTo("jenkins");
        assertThat(read.getTags()).containsExactly("env:prod", "service:checkout");

        events.createEvent(new EventCreateRequest().title("Checkout error rate").text("5xx above 2 %")
                .dateHappened(at + 10).alertType(EventAlertType.ERROR).tags(List.of("service:checkout", "env:prod")));
        events.createEvent(new EventCreateRequest().title("Staging deploy").text("").dateHappened(at + 20)
                .sourceTypeName("Jenkins").tags(List.of("service:checkout", "env:staging")));

        assertThat(titles(events.listEvents(at, at + 20).getEvents())).containsSubsequence("Staging deploy",
                "Checkout error rate", "Deployed checkout 1.4");
        assertThat(titles(events.listEvents(at, at + 60, new EventsApi.ListEventsOptionalParameters()
                .tags("env:prod,service:checkout")).getEvents()))
                .containsExactly("Checkout error rate", "Deployed checkout 1.4");
        assertThat(titles(events.listEvents(at, at + 60, new EventsApi.ListEventsOptionalParameters()
                .sources("jenkins")).getEvents())).containsExactly("Staging deploy", "Deployed checkout 1.4");
        assertThat(titles(events.listEvents(at, at + 60, new EventsApi.ListEventsOptionalParameters()
                .priority(EventPriority.LOW)).getEvents())).containsExactly("Deployed checkout 1.4");
        assertThat(events.listEvents(at + 11, at + 19).getEvents()).isEmpty();
    }

    @Test
    void aDogStatsdEventIsStoredAtTheNextFlush() throws Exception {
        long before = now() - 1;
        try (StatsDClient statsd = new NonBlockingStatsDClientBuilder().hostname("127.0.0.1")
                .port(tocsin.server().statsdPort()).enableTelemetry(false).originDetectionEnabled(false)
                .blocking(true).build()) {
            statsd.recordEvent(com.timgroup.statsd.Event.builder().withTitle("Failover to replica")
                    .withText("primary db-1 unreachable").withAlertType(com.timgroup.statsd.Event.AlertType.WARNING)
                    .withPriority(com.timgroup.statsd.Event.Priority.NORMAL).withHostname("db-2")
                    .withAggregationKey("failover").withSourceTypeName("patroni").build(), "cluster:orders");
        }
        await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                assertThat(events.listEvents(before, now() + 1, new EventsApi.ListEventsOptionalParameters()
                        .tags("cluster:orders")).getEvents()).singleElement().satisfies(e -> {
                            assertThat(e.getTitle()).isEqualTo("Failover to replica");
                            assertThat(e.getText()).isEqualTo("primary db-1 unreachable");
                            assertThat(e.getAlertType()).isEqualTo(EventAlertType.WARNING);
                            assertThat(e.getHost()).isEqualTo("db-2");
                            assertThat(e.getSourceTypeName()).isEqualTo("patroni");
                        }));
    }

    @Test
    void badEventsAndParametersAreDatadogShaped400sNamingTheField() throws Exception {
        TestServer.Reply noTitle = tocsin.postJson("/api/v1/events", "{\"text\":\"x\",\"priority\":\"urgent\"}",
                "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(noTitle.status()).isEqualTo(400);
        assertThat(noTitle.json().get("errors").toString()).contains("title: required").contains("priority:");

        TestServer.Reply old = tocsin.postJson("/api/v1/events", "{\"title\":\"t\",\"text\":\"x\",\"date_happened\":"
                + (now() - 86_400) + "}", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(old.status()).isEqualTo(400);
        assertThat(old.json().get("errors").get(0).asText()).startsWith("date_happened:");

        TestServer.Reply broken = tocsin.postJson("/api/v1/events", "{\"title\":", "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("errors").get(0).asText()).contains("line");

        TestServer.Reply noKey = tocsin.postJson("/api/v1/events", "{\"title\":\"t\",\"text\":\"x\"}");
        assertThat(noKey.status()).isIn(401, 403);

        TestServer.Reply noStart = tocsin.get("/api/v1/events?end=" + now(), "DD-API-KEY", TestServer.ADMIN_KEY);
        assertThat(noStart.status()).isEqualTo(400);
        assertThat(noStart.json().get("errors").get(0).asText()).contains("start");

        assertThatThrownBy(() -> events.getEvent(987_654_321L)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.getCode()).isEqualTo(404));
    }

    private static List<String> titles(List<Event> list) {
        return list.stream().map(Event::getTitle).toList();
    }
}
