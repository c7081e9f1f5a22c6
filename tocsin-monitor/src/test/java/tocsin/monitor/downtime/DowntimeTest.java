package tocsin.monitor.downtime;

import org.junit.jupiter.api.Test;
import tocsin.monitor.Creator;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorDefinition;
import tocsin.monitor.MonitorOptions;
import tocsin.monitor.MonitorType;
import tocsin.monitor.downtime.Downtime.OneTime;
import tocsin.monitor.downtime.Downtime.Recurrence;
import tocsin.monitor.downtime.Downtime.Recurring;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DowntimeTest {
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z"); // a Monday
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Monitor WEB = new Monitor(7, new MonitorDefinition("m", MonitorType.METRIC_ALERT, "q", "",
            List.of("team:web", "env:prod"), null, MonitorOptions.defaults()), new Creator("", "", ""), T0, T0);

    static Downtime downtime(String scope, Long id, List<String> tags, Downtime.Schedule s) {
        return new Downtime("d", 0, scope, id, tags, s, "", "UTC", false, List.of("alert"), List.of("expired"), T0, T0,
                null);
    }

    static Downtime weekly(String rule, String start, Duration duration) {
        return downtime("*", 7L, List.of(), new Recurring(List.of(new Recurrence(rule, duration,
                LocalDateTime.parse(start))), BERLIN));
    }

    @Test
    void oneOffDowntimesHaveAStartAndAnOptionalEnd() {
        Downtime d = downtime("*", 7L, List.of(), new OneTime(T0, T0.plusSeconds(3600)));

        assertThat(d.status(T0.minusSeconds(1))).isEqualTo("scheduled");
        assertThat(d.status(T0)).isEqualTo("active");
        assertThat(d.status(T0.plusSeconds(3600))).isEqualTo("ended");
        assertThat(downtime("*", 7L, List.of(), new OneTime(T0, null)).status(T0.plusSeconds(86_400 * 365L)))
                .isEqualTo("active");
    }

    @Test
    void weeklyRecurrencesFollowLocalTimeAcrossDst() {
        // Every Sunday 02:30-04:30 Berlin; 2026-03-29 is the spring-forward Sunday.
        Downtime d = weekly("FREQ=WEEKLY;BYDAY=SU", "2026-03-01T02:30", Duration.ofHours(2));

        assertThat(d.activeAt(Instant.parse("2026-03-08T01:45:00Z"))).isPresent(); // 02:45 CET
        assertThat(d.activeAt(Instant.parse("2026-03-08T03:31:00Z"))).isEmpty(); // 04:31 CET
        assertThat(d.activeAt(Instant.parse("2026-03-09T01:45:00Z"))).isEmpty(); // Monday
        // 02:30 does not exist on 2026-03-29: the occurrence starts at 03:30 CEST (01:30Z).
        assertThat(d.activeAt(Instant.parse("2026-03-29T01:29:00Z"))).isEmpty();
        assertThat(d.activeAt(Instant.parse("2026-03-29T01:31:00Z"))).get()
                .satisfies(p -> assertThat(p.start()).isEqualTo(Instant.parse("2026-03-29T01:30:00Z")));
        assertThat(d.activeAt(Instant.parse("2026-04-05T00:45:00Z"))).isPresent(); // 02:45 CEST
    }

    @Test
    void countUntilIntervalAndMonthDays() {
        Downtime twice = weekly("FREQ=DAILY;COUNT=2", "2026-03-02T10:00", Duration.ofHours(1));
        assertThat(twice.activeAt(Instant.parse("2026-03-03T09:30:00Z"))).isPresent();
        assertThat(twice.activeAt(Instant.parse("2026-03-04T09:30:00Z"))).isEmpty();

        Downtime until = weekly("FREQ=DAILY;UNTIL=20260303T235959Z", "2026-03-02T10:00", Duration.ofHours(1));
        assertThat(until.activeAt(Instant.parse("2026-03-04T09:30:00Z"))).isEmpty();

        Downtime everyOther = weekly("FREQ=WEEKLY;INTERVAL=2", "2026-03-02T10:00", Duration.ofHours(1));
        assertThat(everyOther.activeAt(Instant.parse("2026-03-09T09:30:00Z"))).isEmpty();
        assertThat(everyOther.activeAt(Instant.parse("2026-03-16T09:30:00Z"))).isPresent();

        Downtime monthEnd = weekly("FREQ=MONTHLY;BYMONTHDAY=31", "2026-01-31T10:00", Duration.ofHours(1));
        assertThat(monthEnd.activeAt(Instant.parse("2026-02-28T09:30:00Z"))).isEmpty();
        assertThat(monthEnd.activeAt(Instant.parse("2026-03-31T08:30:00Z"))).isPresent();
    }

    @Test
    void badRulesNameWhatIsWrong() {
        assertThatThrownBy(() -> Rrule.parse("FREQ=HOURLY")).hasMessageContaining("FREQ must be DAILY");
        assertThatThrownBy(() -> Rrule.parse("BYDAY=MO")).hasMessageContaining("FREQ is required");
        assertThatThrownBy(() -> Rrule.parse("FREQ=WEEKLY;BYDAY=XX")).hasMessageContaining("BYDAY takes");
        assertThatThrownBy(() -> Rrule.parse("FREQ=DAILY;COUNT=0")).hasMessageContaining("COUNT must be");
        assertThatThrownBy(() -> Rrule.parse("FREQ=DAILY;BYHOUR=3")).hasMessageContaining("unsupported rule part");
        assertThatThrownBy(() -> Rrule.parse("FREQ=DAILY;COUNT=2;UNTIL=20260101")).hasMessageContaining("both");
        assertThatThrownBy(() -> Rrule.parse("FREQ=DAILY;UNTIL=tomorrow")).hasMessageContaining("UNTIL must be");
    }

    @Test
    void mutesMatchingMonitorsAndGroupsOnly() {
        Downtime byId = downtime("host:a", 7L, List.of(), new OneTime(T0, null));
        Downtime byTags = downtime("env:prod AND host:web-*", null, List.of("team:web"), new OneTime(T0, null));

        assertThat(byId.mutes(WEB, Map.of("host", "a"), T0)).isTrue();
        assertThat(byId.mutes(WEB, Map.of("host", "b"), T0)).isFalse();
        assertThat(byId.mutes(WEB, Map.of("host", "a"), T0.minusSeconds(1))).isFalse();
        assertThat(byTags.mutes(WEB, Map.of("host", "web-1", "env", "prod"), T0)).isTrue();
        assertThat(byTags.mutes(WEB, Map.of("host", "db-1", "env", "prod"), T0)).isFalse();
        assertThat(downtime("*", null, List.of("team:db"), new OneTime(T0, null)).mutes(WEB, Map.of(), T0)).isFalse();
        assertThatThrownBy(() -> Downtime.scopeFilter("env:prod AND (")).isInstanceOf(IllegalArgumentException.class);
    }
}
