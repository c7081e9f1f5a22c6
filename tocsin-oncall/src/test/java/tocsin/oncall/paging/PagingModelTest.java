package tocsin.oncall.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PagingModelTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void supportHoursAreLocalTimeOnTheirDaysAcrossDst() {
        SupportHours hours = new SupportHours(NEW_YORK, EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                LocalTime.of(9, 0), LocalTime.of(17, 0));

        // 09:00 EST is 14:00 UTC in winter, 13:00 UTC in summer
        assertThat(hours.contains(Instant.parse("2026-01-05T14:00:00Z"))).isTrue();
        assertThat(hours.contains(Instant.parse("2026-01-05T13:59:59Z"))).isFalse();
        assertThat(hours.contains(Instant.parse("2026-07-06T13:00:00Z"))).isTrue();
        assertThat(hours.contains(Instant.parse("2026-07-06T21:00:00Z"))).isFalse(); // 17:00 EDT, exclusive
        assertThat(hours.contains(Instant.parse("2026-07-04T15:00:00Z"))).isFalse(); // a Saturday
    }

    @Test
    void urgencyRuleUsesSupportHoursOnlyWhenItHasThem() {
        SupportHours hours = new SupportHours(NEW_YORK, EnumSet.of(DayOfWeek.MONDAY), LocalTime.of(9, 0),
                LocalTime.of(17, 0));
        UrgencyRule rule = new UrgencyRule(hours, Urgency.HIGH, Urgency.LOW);

        assertThat(rule.urgencyAt(Instant.parse("2026-01-05T15:00:00Z"))).isEqualTo(Urgency.HIGH);
        assertThat(rule.urgencyAt(Instant.parse("2026-01-06T15:00:00Z"))).isEqualTo(Urgency.LOW);
        assertThat(UrgencyRule.constant(Urgency.LOW).urgencyAt(Instant.EPOCH)).isEqualTo(Urgency.LOW);
        assertThatThrownBy(() -> new UrgencyRule(hours, Urgency.HIGH, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badSupportHoursNameEveryField() {
        assertThatThrownBy(() -> new SupportHours(null, Set.of(), LocalTime.NOON, LocalTime.of(9, 0)))
                .isInstanceOf(PagingException.Invalid.class)
                .hasMessageContaining("support_hours.time_zone: is required")
                .hasMessageContaining("support_hours.days_of_week: must name at least one day")
                .hasMessageContaining("support_hours.end_time: must be after start_time");
    }

    @Test
    void alertGroupingChecksItsConfig() {
        assertThatThrownBy(() -> new AlertGrouping(AlertGrouping.Type.CONTENT_BASED, null, List.of("host", "x"),
                "most", Duration.ofDays(2)))
                .isInstanceOf(PagingException.Invalid.class)
                .hasMessageContaining("config.fields[0]: unknown field 'host'")
                .hasMessageContaining("config.aggregate: must be all or any")
                .hasMessageContaining("config.time_window: must be between 0 and 86400 seconds");
        assertThatThrownBy(() -> new AlertGrouping(AlertGrouping.Type.CONTENT_BASED, null, List.of(), null, null))
                .hasMessageContaining("config.fields: must name at least one field");
        assertThat(new AlertGrouping(AlertGrouping.Type.CONTENT_BASED, null, List.of("custom_details.db"), null,
                null).fields()).containsExactly("custom_details.db");
        assertThat(AlertGrouping.Type.parse(null)).contains(AlertGrouping.Type.NONE);
        assertThat(AlertGrouping.Type.parse("intelligent")).isEmpty();
    }

    @Test
    void serviceTimeoutsAreBetweenAMinuteAndAWeek() {
        assertThatThrownBy(() -> new Service(null, "s", null, "P1", "paused", Duration.ofSeconds(59),
                Duration.ofDays(8), null, null, 0, null))
                .isInstanceOf(PagingException.Invalid.class)
                .hasMessageContaining("status: must be one of")
                .hasMessageContaining("acknowledgement_timeout: must be between 60 and 604800 seconds")
                .hasMessageContaining("auto_resolve_timeout: must be between 60 and 604800 seconds");
        Service s = new Service(null, "s", null, "P1", null, null, null, null, null, 0, null);
        assertThat(s.status()).isEqualTo("active");
        assertThat(s.urgencyRule()).isEqualTo(UrgencyRule.HIGH);
        assertThat(s.grouping()).isEqualTo(AlertGrouping.NONE);
    }

    @Test
    void integrationKeysAre32LowerCaseHexAndUnguessable() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String key = Integration.newKey();
            assertThat(Integration.isWellFormedKey(key)).isTrue();
            keys.add(key);
        }
        assertThat(keys).hasSize(1000);
        assertThat(Integration.isWellFormedKey("ABCDEF0123456789abcdef0123456789")).isFalse();
        assertThat(Integration.isWellFormedKey("abc")).isFalse();
        assertThat(Integration.isWellFormedKey(null)).isFalse();
        assertThat(Integration.Type.parse("events_api_v2_inbound_integration_reference"))
                .contains(Integration.Type.EVENTS_API_V2);
    }

    @Test
    void targetsAcceptPagerDutysReferenceNames() {
        assertThat(Target.Kind.parse("user_reference")).contains(Target.Kind.USER);
        assertThat(Target.Kind.parse("schedule")).contains(Target.Kind.SCHEDULE);
        assertThat(Target.Kind.parse("team_reference")).isEmpty();
        assertThat(EscalationRule.Assignment.parse("ROUND_ROBIN")).contains(EscalationRule.Assignment.ROUND_ROBIN);
    }

    @Test
    void anIncidentChangeKeepsItsVersionForTheStoreToCheck() {
        Incident open = Incident.open("t", "S", "P", Urgency.HIGH, "k", null, Instant.EPOCH)
                .stored("PI", 7, 3);
        Incident acked = open.acknowledgedBy("U1", Instant.ofEpochSecond(5));

        assertThat(acked.version()).isEqualTo(3);
        assertThat(acked.status()).isEqualTo(Incident.Status.ACKNOWLEDGED);
        assertThat(acked.acknowledgements()).extracting(Incident.Acknowledgement::by).containsExactly("U1");
        Incident stepped = acked.escalated(2, 0, List.of("U2"));
        assertThat(stepped.step()).isEqualTo(open.step() + 1);
        assertThat(stepped.withStatus(Incident.Status.TRIGGERED, Instant.ofEpochSecond(9)).acknowledgements())
                .isEmpty();
        assertThat(Notification.of(stepped, "U2", "escalation", Instant.EPOCH).idempotencyKey())
                .isEqualTo("PI:1:U2");
        assertThat(Incident.open("x".repeat(2000), "S", "P", Urgency.LOW, "k", null, Instant.EPOCH).title())
                .hasSize(Incident.MAX_TITLE);
    }
}
