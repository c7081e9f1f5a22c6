package tocsin.monitor.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import tocsin.monitor.downtime.Downtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DowntimeJsonTest {
    static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

    static JsonNode json(String s) throws Exception {
        return MonitorJsonTest.json(s);
    }

    @Test
    void readsAndWritesARecurringDowntime() throws Exception {
        List<String> errors = new ArrayList<>();
        Downtime d = DowntimeJson.read(json("{'data':{'type':'downtime','attributes':{'scope':'env:prod',"
                + "'monitor_identifier':{'monitor_tags':['team:web']},'schedule':{'timezone':'Europe/Berlin',"
                + "'recurrences':[{'rrule':'FREQ=WEEKLY;BYDAY=MO','duration':'2h','start':'2026-03-02T09:30'}]},"
                + "'message':'maintenance','notify_end_types':['canceled']}}}"), null, NOW, errors);

        assertThat(errors).isEmpty();
        assertThat(d.monitorTags()).containsExactly("team:web");
        Downtime stored = DowntimeJson.fromStored("id-1", 7, DowntimeJson.storedText(d), NOW, NOW, null);
        assertThat(stored.schedule()).isEqualTo(d.schedule());
        JsonNode out = DowntimeJson.response(stored, Instant.parse("2026-03-02T09:00:00Z"));
        assertThat(out.at("/data/attributes/status").asText()).isEqualTo("active");
        assertThat(out.at("/data/attributes/schedule/recurrences/0/duration").asText()).isEqualTo("2h");
        assertThat(out.at("/data/attributes/schedule/current_downtime/start").asText())
                .isEqualTo("2026-03-02T08:30:00Z");
        assertThat(out.at("/data/relationships/monitor/data").isNull()).isTrue();
    }

    @Test
    void everyBadFieldIsNamed() throws Exception {
        List<String> errors = new ArrayList<>();
        DowntimeJson.read(json("{'data':{'type':'downtimes','attributes':{'scope':'env:(',"
                + "'monitor_identifier':{'monitor_id':'x'},'colour':1,'schedule':{'timezone':'Mars/Base',"
                + "'recurrences':[{'rrule':'FREQ=HOURLY','duration':'2h'},{'rrule':'FREQ=DAILY','duration':'2y'}]},"
                + "'notify_end_states':['ok']}}}"), null, NOW, errors);

        assertThat(errors).anyMatch(e -> e.startsWith("data.type: must be 'downtime'"))
                .anyMatch(e -> e.startsWith("data.attributes.scope: "))
                .contains("data.attributes.colour: unknown field")
                .contains("data.attributes.monitor_identifier.monitor_id: must be an integer, got a string")
                .contains("data.attributes.schedule.timezone: unknown time zone 'Mars/Base'")
                .anyMatch(e -> e.startsWith("data.attributes.schedule.recurrences[0].rrule: FREQ must be"))
                .anyMatch(e -> e.startsWith("data.attributes.schedule.recurrences[1].duration: must be a whole"))
                .anyMatch(e -> e.startsWith("data.attributes.notify_end_states[0]: unknown value 'ok'"));

        errors.clear();
        DowntimeJson.read(json("{'data':{'type':'downtime','attributes':{'scope':'*','monitor_identifier':"
                + "{'monitor_id':1},'schedule':{'start':'2026-03-02T10:00:00Z','end':'2026-03-02T09:00:00Z'}}}}"),
                null, NOW, errors);
        assertThat(errors).containsExactly("data.attributes.schedule.end: must be after start");

        errors.clear();
        DowntimeJson.read(json("{'data':{'type':'downtime','attributes':{}}}"), null, NOW, errors);
        assertThat(errors).containsExactly("data.attributes.scope: is required",
                "data.attributes.monitor_identifier: is required");
        errors.clear();
        DowntimeJson.read(json("[]"), null, NOW, errors);
        assertThat(errors).singleElement().asString().startsWith("data: is required");
    }
}
