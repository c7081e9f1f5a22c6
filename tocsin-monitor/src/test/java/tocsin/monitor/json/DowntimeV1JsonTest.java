package tocsin.monitor.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import tocsin.monitor.downtime.Downtime;
import tocsin.monitor.downtime.V1Downtime;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DowntimeV1JsonTest {
    /** Monday 2026-03-02 09:00 UTC (10:00 in Berlin). */
    static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

    static JsonNode json(String s) throws Exception {
        return MonitorJsonTest.json(s);
    }

    static Downtime read(String body, Downtime current, List<String> errors) throws Exception {
        return DowntimeV1Json.read(json(body), current, NOW, errors);
    }

    @Test
    void aWeeklyV1DowntimeIsTheRruleTheEvaluatorUsesAndReadsBackTheSame() throws Exception {
        long start = NOW.getEpochSecond();
        List<String> errors = new ArrayList<>();
        Downtime d = read("{'scope':['env:prod','host:db-1'],'monitor_id':42,'start':" + start + ",'end':"
                + (start + 7200) + ",'timezone':'Europe/Berlin','message':'patching',"
                + "'recurrence':{'type':'weeks','period':2,'week_days':['Mon','Wed'],'until_occurrences':5},"
                + "'notify_end_types':['canceled']}", null, errors);

        assertThat(errors).isEmpty();
        assertThat(d.scope()).isEqualTo("env:prod AND host:db-1");
        assertThat(d.monitorId()).isEqualTo(42L);
        Downtime.Recurring rec = (Downtime.Recurring) d.schedule();
        assertThat(rec.zone().getId()).isEqualTo("Europe/Berlin");
        assertThat(rec.recurrences()).containsExactly(new Downtime.Recurrence(
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=5", Duration.ofHours(2),
                LocalDateTime.parse("2026-03-02T10:00")));

        // Stored as v2 attributes and read back, then shown as v1: the same fields come out.
        Downtime stored = DowntimeJson.fromStored("uuid-1", 7, DowntimeJson.storedText(d), NOW, NOW, null);
        JsonNode out = DowntimeV1Json.write(stored, NOW.plusSeconds(60));
        assertThat(out.get("id").asLong()).isEqualTo(7);
        assertThat(out.get("scope")).hasSize(2);
        assertThat(out.get("scope").get(1).asText()).isEqualTo("host:db-1");
        assertThat(out.get("start").asLong()).isEqualTo(start);
        assertThat(out.get("end").asLong()).isEqualTo(start + 7200);
        assertThat(out.get("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(out.get("monitor_id").asLong()).isEqualTo(42);
        assertThat(out.get("active").asBoolean()).isTrue();
        assertThat(out.get("downtime_type").asInt()).isEqualTo(2);
        assertThat(out.get("canceled").isNull()).isTrue();
        assertThat(out.at("/recurrence/type").asText()).isEqualTo("weeks");
        assertThat(out.at("/recurrence/period").asInt()).isEqualTo(2);
        assertThat(out.at("/recurrence/week_days").toString()).isEqualTo("[\"Mon\",\"Wed\"]");
        assertThat(out.at("/recurrence/until_occurrences").asInt()).isEqualTo(5);
        assertThat(out.at("/recurrence/until_date").isNull()).isTrue();
        assertThat(out.at("/active_child/parent_id").asLong()).isEqualTo(7);
        assertThat(out.at("/notify_end_types/0").asText()).isEqualTo("canceled");
        assertThat(d.activeAt(NOW.plusSeconds(7199))).isPresent();
        assertThat(d.activeAt(NOW.plusSeconds(7200))).isEmpty();
        assertThat(d.activeAt(Instant.parse("2026-03-04T09:30:00Z"))).isPresent(); // Wednesday
        assertThat(d.activeAt(Instant.parse("2026-03-09T09:30:00Z"))).isEmpty(); // the off week
    }

    @Test
    void aRecurrenceOffTheMinuteIsWidenedToWholeMinutesNeverNarrowed() throws Exception {
        List<String> errors = new ArrayList<>();
        long start = NOW.getEpochSecond() + 30;
        Downtime d = read("{'scope':['*'],'start':" + start + ",'end':" + (start + 90) + ",'recurrence':"
                + "{'type':'days'}}", null, errors);
        assertThat(errors).isEmpty();
        Downtime.Recurrence rec = ((Downtime.Recurring) d.schedule()).recurrences().getFirst();
        assertThat(rec.start()).isEqualTo(LocalDateTime.parse("2026-03-02T09:00"));
        assertThat(rec.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(rec.rrule()).isEqualTo("FREQ=DAILY;INTERVAL=1");
    }

    @Test
    void everyV1TypeMapsToItsCanonicalRruleAndBack() {
        for (var r : List.of(new V1Downtime.Recurrence("days", 3, List.of(), null, null, null),
                new V1Downtime.Recurrence("weeks", 1, List.of("Sat", "Sun"), 1_790_000_000L, null, null),
                new V1Downtime.Recurrence("months", 1, List.of(), null, 12, null),
                new V1Downtime.Recurrence("years", 2, List.of(), null, null, null),
                new V1Downtime.Recurrence("rrule", 0, List.of(), null, null, "FREQ=MONTHLY;BYMONTHDAY=1"))) {
            assertThat(V1Downtime.recurrence(V1Downtime.rrule(r))).isEqualTo(r);
        }
        assertThat(V1Downtime.rrule(new V1Downtime.Recurrence("weeks", 1, List.of("Sun", "Mon"), 1_790_000_000L,
                null, null))).isEqualTo("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,SU;UNTIL=20260921T141320Z");
        // A v2 rule not in the canonical form shows in v1 as it is.
        assertThat(V1Downtime.recurrence("FREQ=WEEKLY;BYDAY=SA,SU").type()).isEqualTo("rrule");
    }

    @Test
    void aV2DowntimeShowsInV1() throws Exception {
        List<String> errors = new ArrayList<>();
        Downtime v2 = DowntimeJson.read(json("{'data':{'type':'downtime','attributes':{'scope':'env:prod AND "
                + "(host:a OR host:b)','monitor_identifier':{'monitor_tags':['team:web']}}}}"), null, NOW, errors);
        assertThat(errors).isEmpty();
        JsonNode out = DowntimeV1Json.write(v2.withIds("u", 3), NOW);
        assertThat(out.get("scope").toString()).isEqualTo("[\"env:prod AND (host:a OR host:b)\"]");
        assertThat(out.get("monitor_id").isNull()).isTrue();
        assertThat(out.get("monitor_tags").toString()).isEqualTo("[\"team:web\"]");
        assertThat(out.get("end").isNull()).isTrue();
        assertThat(out.get("recurrence").isNull()).isTrue();
        assertThat(V1Downtime.scopeTags("*")).containsExactly("*");
        assertThat(V1Downtime.scopeTags("host:a AND env:prod")).containsExactly("host:a", "env:prod");
    }

    @Test
    void anUpdateKeepsWhatItDoesNotSend() throws Exception {
        List<String> errors = new ArrayList<>();
        Downtime d = read("{'scope':'host:a','start':" + NOW.getEpochSecond() + ",'end':"
                + (NOW.getEpochSecond() + 600) + "}", null, errors).withIds("u", 9);
        assertThat(d.monitorTags()).containsExactly("*");
        Downtime u = read("{'message':'longer','id':9,'active':true,'downtime_type':1}", d, errors);
        assertThat(errors).isEmpty();
        assertThat(u.message()).isEqualTo("longer");
        assertThat(u.schedule()).isEqualTo(d.schedule());
        assertThat(u.v1Id()).isEqualTo(9);
        Downtime forever = read("{'end':null}", d, errors);
        assertThat(forever.schedule()).isEqualTo(new Downtime.OneTime(NOW, null));
    }

    @Test
    void badInputNamesEachField() throws Exception {
        List<String> errors = new ArrayList<>();
        read("{'scope':'env:prod','start':2000,'end':1000}", null, errors);
        assertThat(errors).containsExactly("end: must be after start (2000), got 1000");

        errors.clear();
        read("{'scope':['env:prod'],'end':" + (NOW.getEpochSecond() + 60) + ",'recurrence':{'type':'fortnights'}}",
                null, errors);
        assertThat(errors).containsExactly(
                "recurrence.type: must be one of days, weeks, months, years, rrule, got 'fortnights'");

        errors.clear();
        read("{'scope':7,'monitor_id':'x','start':'now','message':[],'recurrence':{'type':'days','week_days':['Mon'],"
                + "'until_date':1,'until_occurrences':2},'color':'red'}", null, errors);
        assertThat(errors).contains("color: unknown field", "scope: must be an array of strings, got a number",
                "monitor_id: must be an integer, got a string", "start: must be an integer, got a string",
                "message: must be a string, got an array",
                "recurrence.until_occurrences: cannot be combined with until_date",
                "recurrence.week_days: is used only with type weeks");

        errors.clear();
        read("{'message':'no scope'}", null, errors);
        assertThat(errors).containsExactly("scope: is required: a list of tags such as [\"env:prod\"], or [\"*\"]");

        errors.clear();
        read("{'scope':['*'],'recurrence':{'type':'weeks'}}", null, errors);
        assertThat(errors).containsExactly("end: is required with a recurrence: start and end are the first "
                + "occurrence");

        errors.clear();
        read("{'scope':['*'],'end':" + (NOW.getEpochSecond() + 60) + ",'recurrence':{'type':'rrule',"
                + "'rrule':'FREQ=SECONDLY'}}", null, errors);
        assertThat(errors).singleElement().asString().startsWith("recurrence.rrule: FREQ must be DAILY");
    }
}
