package tocsin.server;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.v1.api.DowntimesApi;
import com.datadog.api.client.v1.api.MonitorsApi;
import com.datadog.api.client.v1.model.CancelDowntimesByScopeRequest;
import com.datadog.api.client.v1.model.Downtime;
import com.datadog.api.client.v1.model.DowntimeRecurrence;
import com.datadog.api.client.v1.model.Monitor;
import com.datadog.api.client.v1.model.MonitorType;
import com.datadog.api.client.v2.model.DowntimeResponseData;
import com.datadog.api.client.v2.model.DowntimeScheduleRecurrencesResponse;
import com.datadog.api.client.v2.model.DowntimeStatus;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import tocsin.server.config.NotifyConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Datadog client's v1 DowntimesApi creates, lists, reads, updates and cancels downtimes (one by one and by scope);
 * a weekly v1 downtime is visible through v2 and mutes a monitor group.
 */
class DowntimeV1IT {

    @Test
    void theV1ClientManagesDowntimesThatV2SeesAndThatMute() throws Exception {
        // The monitor posts to @slack-ops, which needs Slack configured; the Slack API here is a closed port.
        try (TestServer tocsin = TestServer.start(TestServer.notify(new NotifyConfig(Optional.empty(),
                Optional.empty(), Optional.of(new NotifyConfig.Slack("xoxb-1-2-abc", null, "http://127.0.0.1:9/api")),
                Optional.empty(), Optional.empty())), r -> {
        })) {
            ApiClient client = DatadogClients.forServer(tocsin);
            DowntimesApi v1 = new DowntimesApi(client);
            com.datadog.api.client.v2.api.DowntimesApi v2 = new com.datadog.api.client.v2.api.DowntimesApi(client);
            Monitor m = new MonitorsApi(client).createMonitor(new Monitor().name("Disk").type(MonitorType.METRIC_ALERT)
                    .query("max(last_1m):avg:it.disk{*} by {host} > 90").message("disk @slack-ops"));

            long now = System.currentTimeMillis() / 1000;
            long minute = now / 60 * 60;
            Downtime weekly = v1.createDowntime(new Downtime().scope(List.of("host:db-1")).monitorId(m.getId())
                    .message("patching").timezone("Europe/Berlin").start(minute - 60).end(minute + 3540)
                    .recurrence(new DowntimeRecurrence().type("weeks").period(1)
                            .weekDays(List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))));
            assertThat(weekly.getId()).isPositive();
            assertThat(weekly.getActive()).isTrue();
            assertThat(weekly.getScope()).containsExactly("host:db-1");
            assertThat(weekly.getMonitorId()).isEqualTo(m.getId());
            assertThat(weekly.getRecurrence().getType()).isEqualTo("weeks");
            assertThat(weekly.getRecurrence().getWeekDays()).hasSize(7);
            assertThat(weekly.getDowntimeType()).isEqualTo(1);

            Downtime staging = v1.createDowntime(new Downtime().scope(List.of("env:staging", "team:db"))
                    .monitorTags(List.of("service:disk")).start(now + 86_400).end(now + 90_000));
            assertThat(staging.getId()).isGreaterThan(weekly.getId());
            assertThat(staging.getActive()).isFalse();

            assertThat(v1.listDowntimes()).extracting(Downtime::getId)
                    .containsExactly(weekly.getId(), staging.getId());
            assertThat(v1.listDowntimes(new DowntimesApi.ListDowntimesOptionalParameters().currentOnly(true)))
                    .extracting(Downtime::getId).containsExactly(weekly.getId());
            assertThat(v1.getDowntime(staging.getId()).getMonitorTags()).containsExactly("service:disk");

            Downtime updated = v1.updateDowntime(weekly.getId(), new Downtime().message("longer patching"));
            assertThat(updated.getMessage()).isEqualTo("longer patching");
            assertThat(updated.getScope()).containsExactly("host:db-1");
            assertThat(updated.getRecurrence().getType()).isEqualTo("weeks");
            assertThat(updated.getStart()).isEqualTo(weekly.getStart());

            // The same downtime through v2: the weekly recurrence is the RRULE the evaluator runs.
            DowntimeResponseData asV2 = v2.listDowntimes().getData().stream()
                    .filter(d -> "longer patching".equals(d.getAttributes().getMessage())).findFirst().orElseThrow();
            assertThat(asV2.getAttributes().getScope()).isEqualTo("host:db-1");
            assertThat(asV2.getAttributes().getStatus()).isEqualTo(DowntimeStatus.ACTIVE);
            DowntimeScheduleRecurrencesResponse schedule = asV2.getAttributes().getSchedule()
                    .getDowntimeScheduleRecurrencesResponse();
            assertThat(schedule.getTimezone()).isEqualTo("Europe/Berlin");
            assertThat(schedule.getRecurrences().getFirst().getRrule())
                    .isEqualTo("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR,SA,SU");
            assertThat(schedule.getRecurrences().getFirst().getDuration()).isEqualTo("1h");

            assertThat(v1.listMonitorDowntimes(m.getId())).extracting(Downtime::getId)
                    .containsExactly(weekly.getId());

            DowntimeIT.alertOnDb1AndDb2ExpectDb1Muted(tocsin, client, m.getId());

            v1.cancelDowntime(weekly.getId());
            Downtime canceled = v1.getDowntime(weekly.getId());
            assertThat(canceled.getCanceled()).isNotNull();
            assertThat(canceled.getDisabled()).isTrue();
            assertThat(canceled.getActive()).isFalse();
            assertThat(v2.getDowntime(asV2.getId()).getData().getAttributes().getStatus())
                    .isEqualTo(DowntimeStatus.CANCELED);

            assertThat(v1.cancelDowntimesByScope(new CancelDowntimesByScopeRequest().scope("team:db,env:staging"))
                    .getCancelledIds()).containsExactly(staging.getId());
            assertThat(v1.getDowntime(staging.getId()).getCanceled()).isNotNull();
            assertThatThrownBy(() -> v1.cancelDowntimesByScope(new CancelDowntimesByScopeRequest()
                    .scope("team:db,env:staging")))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
            assertThatThrownBy(() -> v1.getDowntime(999_999L))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
        }
    }

    @Test
    void badInputIsAnsweredInDatadogsDialectNamingTheField() {
        try (TestServer tocsin = TestServer.start()) {
            String key = TestServer.ADMIN_KEY;
            assertError(tocsin.postJson("/api/v1/downtime", "{\"scope\": [\"env:prod\"", "DD-API-KEY", key), 400,
                    "");
            assertError(tocsin.postJson("/api/v1/downtime", "{\"scope\":[\"env:prod\"],\"start\":2000,\"end\":1000}",
                    "DD-API-KEY", key), 400, "end: must be after start (2000), got 1000");
            assertError(tocsin.postJson("/api/v1/downtime", "{\"scope\":[\"*\"],\"start\":2000,\"end\":3000,"
                    + "\"recurrence\":{\"type\":\"fortnights\"}}", "DD-API-KEY", key), 400,
                    "recurrence.type: must be one of days, weeks, months, years, rrule, got 'fortnights'");
            assertError(tocsin.postJson("/api/v1/downtime", "{\"scope\":\"env:prod\",\"monitor_id\":\"42\"}",
                    "DD-API-KEY", key), 400, "monitor_id: must be an integer, got a string");
            assertError(tocsin.postJson("/api/v1/downtime", "{\"scope\":true}", "DD-API-KEY", key), 400,
                    "scope: must be an array of strings, got a boolean");
            assertError(tocsin.get("/api/v1/downtime/424242", "DD-API-KEY", key), 404, "");
            assertError(tocsin.get("/api/v1/downtime/abc", "DD-API-KEY", key), 400,
                    "downtime_id: must be a positive integer, got 'abc'");
            assertError(tocsin.get("/api/v1/monitor/424242/downtimes", "DD-API-KEY", key), 404, "");
            assertError(tocsin.postJson("/api/v1/downtime/cancel/by_scope", "{\"scope\":[\"env:prod\"]}",
                    "DD-API-KEY", key), 400, "scope: must be a string of comma-separated tags, got array");
        }
    }

    private static void assertError(TestServer.Reply reply, int status, String firstError) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        JsonNode errors = reply.json().get("errors");
        assertThat(errors.isArray()).as(reply.body()).isTrue();
        assertThat(errors.get(0).asText()).as(reply.body()).startsWith(firstError);
    }
}
