package tocsin.monitor.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import tocsin.monitor.Creator;
import tocsin.monitor.GroupState;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorDefinition;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.MonitorType;
import tocsin.monitor.OnMissingData;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MonitorJsonTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    @Test
    void readsADatadogCreateBodyWithExplicitNulls() throws Exception {
        List<String> errors = new ArrayList<>();
        MonitorDefinition d = MonitorJson.read(json("{'name':'CPU','type':'metric alert','query':'avg(last_5m):cpu{*}"
                + " > 80','message':'hi','tags':['a'],'priority':null,'restricted_roles':null,'options':{"
                + "'thresholds':{'critical':80,'warning':70.5},'notify_no_data':true,'no_data_timeframe':10,"
                + "'on_missing_data':'show_no_data','renotify_statuses':['alert','no data'],'silenced':{'*':null},"
                + "'evaluation_delay':60,'locked':false,'renotify_interval':null}}"), null, errors);

        assertThat(errors).isEmpty();
        assertThat(d.type()).isEqualTo(MonitorType.METRIC_ALERT);
        assertThat(d.options().thresholds().warning()).isEqualTo(70.5);
        assertThat(d.options().onMissingData()).isEqualTo(OnMissingData.SHOW_NO_DATA);
        assertThat(d.options().renotifyStatuses()).containsExactlyInAnyOrder(MonitorStatus.ALERT,
                MonitorStatus.NO_DATA);
        assertThat(d.options().silenced()).containsKey("*");
        assertThat(d.options().renotifyInterval()).isNull();
        assertThat(MonitorJson.optionsFromText(MonitorJson.optionsText(d.options()))).isEqualTo(d.options());
    }

    @Test
    void wrongTypesAndUnknownFieldsAreAllNamed() throws Exception {
        List<String> errors = new ArrayList<>();
        MonitorJson.read(json("{'name':5,'type':'log alert','query':['x'],'tags':'a','priority':9,'colour':1,"
                + "'options':{'thresholds':{'critical':'high','hot':1},'evaluation_delay':-1,'notify_no_data':'yes',"
                + "'on_missing_data':'maybe','renotify_statuses':['ok'],'frob':1}}"), null, errors);

        assertThat(errors).containsExactlyInAnyOrder(
                "colour: unknown field",
                "name: must be a string, got a number",
                "type: unknown monitor type 'log alert': expected metric alert, query alert, service check or composite",
                "query: must be a string, got an array",
                "tags: must be an array of strings, got a string",
                "priority: must be between 1 and 5, got 9",
                "options.frob: unknown field",
                "options.thresholds.hot: unknown field",
                "options.thresholds.critical: must be a number, got a string",
                "options.on_missing_data: unknown value 'maybe': expected default, show_no_data, "
                        + "show_and_notify_no_data or resolve",
                "options.renotify_statuses[0]: unknown status 'ok': expected alert, warn or no data",
                "options.evaluation_delay: must be between 0 and 86400, got -1",
                "options.notify_no_data: must be true or false, got a string");
    }

    @Test
    void missingFieldsAndNonObjectsAreErrors() throws Exception {
        List<String> errors = new ArrayList<>();
        MonitorJson.read(json("{}"), null, errors);
        assertThat(errors).containsExactly("name: is required", "type: is required", "query: is required");

        errors.clear();
        MonitorJson.read(json("[1]"), null, errors);
        assertThat(errors).containsExactly("body: must be a JSON object, got an array");
    }

    @Test
    void updatesKeepAbsentFieldsAndRefuseChangingTheKind() throws Exception {
        List<String> errors = new ArrayList<>();
        MonitorDefinition current = MonitorJson.read(json("{'name':'a','type':'metric alert','query':'q'}"), null,
                errors);
        MonitorDefinition updated = MonitorJson.read(json("{'name':'b','type':'query alert'}"), current, errors);
        assertThat(updated.query()).isEqualTo("q");
        assertThat(updated.type()).isEqualTo(MonitorType.QUERY_ALERT);

        MonitorJson.read(json("{'type':'composite'}"), current, errors);
        assertThat(errors).containsExactly("type: cannot change a metric alert monitor into a composite");
    }

    @Test
    void writesDatadogsShapeWithGroupStates() throws Exception {
        List<String> errors = new ArrayList<>();
        MonitorDefinition d = MonitorJson.read(json("{'name':'a','type':'metric alert','query':'q'}"), null, errors);
        Instant t = Instant.parse("2026-03-01T09:00:00Z");
        Monitor m = new Monitor(7, d, new Creator("a@example.com", "a@example.com", "A"), t, t);
        GroupState g = new GroupState(7, "host:a", MonitorStatus.ALERT, 1.0, t, null, null, t, 0, t, t);

        JsonNode out = MonitorJson.write(m, List.of(g), true);

        assertThat(out.get("id").asLong()).isEqualTo(7);
        assertThat(out.get("overall_state").asText()).isEqualTo("Alert");
        assertThat(out.get("created").asText()).isEqualTo("2026-03-01T09:00:00Z");
        assertThat(out.at("/state/groups/host:a/status").asText()).isEqualTo("Alert");
        assertThat(out.at("/state/groups/host:a/last_triggered_ts").asLong()).isEqualTo(t.getEpochSecond());
        assertThat(out.get("multi").asBoolean()).isTrue();
        assertThat(MonitorJson.write(m, List.of(), false).has("state")).isFalse();
        assertThat(MonitorJson.write(m, List.of(), false).get("overall_state").asText()).isEqualTo("OK");
    }
}
