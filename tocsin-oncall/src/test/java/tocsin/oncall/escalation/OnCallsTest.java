package tocsin.oncall.escalation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import tocsin.oncall.Layer;
import tocsin.oncall.Schedule;
import tocsin.oncall.ScheduleOverride;
import tocsin.oncall.escalation.OnCalls.OnCall;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.EscalationRule;
import tocsin.oncall.paging.Target;

class OnCallsTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** Handoff at 09:00 Berlin on Monday 2026-03-23; DST starts on Sunday 2026-03-29. */
    private static final Instant HANDOFF = Instant.parse("2026-03-23T08:00:00Z");

    private static final Schedule WEEKLY = new Schedule("S1", "Primary", BERLIN, List.of(new Layer("L1", "Layer 1",
            HANDOFF.minus(Duration.ofDays(30)), null, HANDOFF, Duration.ofDays(7), List.of("ann", "ben"), List.of())),
            List.of(new ScheduleOverride("O1", "cat", Instant.parse("2026-03-25T10:00:00Z"),
                    Instant.parse("2026-03-25T12:00:00Z"))));
    private static final ScheduleLookup LOOKUP = id -> Optional.ofNullable(Map.of("S1", WEEKLY).get(id));

    private static final EscalationPolicy POLICY = new EscalationPolicy("P1", "Ops", null, 0, null, List.of(
            new EscalationRule("R1", 5, List.of(Target.schedule("S1")), null),
            new EscalationRule("R2", 5, List.of(Target.user("boss"), Target.schedule("GONE")), null)), 1, null);

    private static List<OnCall> find(Instant since, Instant until, OnCalls.Filter filter) {
        return OnCalls.find(List.of(POLICY), LOOKUP, since, until, filter);
    }

    private static OnCalls.Filter all() {
        return new OnCalls.Filter(List.of(), List.of(), List.of(), false);
    }

    @Test
    void aScheduleTargetShowsWholeShiftsAndAUserTargetIsAlwaysOnCall() {
        Instant now = Instant.parse("2026-03-24T12:00:00Z");

        List<OnCall> oncalls = find(now, now.plusMillis(1), all());

        assertThat(oncalls).containsExactly(
                new OnCall(POLICY, 1, "S1", "ann", HANDOFF, Instant.parse("2026-03-25T10:00:00Z")),
                new OnCall(POLICY, 2, null, "boss", null, null));
    }

    @Test
    void shiftsFollowTheLocalHandoffAcrossDstAndOverridesCutThem() {
        List<OnCall> week = find(HANDOFF, HANDOFF.plus(Duration.ofDays(8)), all()).stream()
                .filter(o -> o.level() == 1).toList();

        assertThat(week).extracting(OnCall::userId).containsExactly("ann", "cat", "ann", "ben");
        // after the change to CEST, the 09:00 handoff is at 07:00 UTC
        assertThat(week.get(3).start()).isEqualTo(Instant.parse("2026-03-30T07:00:00Z"));
        assertThat(week.get(3).start().atZone(BERLIN).toLocalTime()).isEqualTo(LocalTime.of(9, 0));
    }

    @Test
    void filtersKeepWhatPagerDutyKeeps() {
        Instant since = HANDOFF;
        Instant until = HANDOFF.plus(Duration.ofDays(8));

        assertThat(find(since, until, new OnCalls.Filter(List.of("ann"), List.of(), List.of(), true)))
                .singleElement().satisfies(o -> assertThat(o.start()).isEqualTo(HANDOFF));
        assertThat(find(since, until, new OnCalls.Filter(List.of(), List.of(), List.of("S1"), false)))
                .allMatch(o -> "S1".equals(o.scheduleId()));
        assertThat(find(since, until, new OnCalls.Filter(List.of(), List.of("POTHER"), List.of(), false))).isEmpty();
        assertThatThrownBy(() -> find(since, since, all())).isInstanceOf(IllegalArgumentException.class);
    }
}
