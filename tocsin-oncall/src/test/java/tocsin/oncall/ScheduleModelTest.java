package tocsin.oncall;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Bad input is refused at construction, naming each field as PagerDuty's JSON does. */
class ScheduleModelTest {
    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    private static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void aLayerNeedsUsers() {
        assertThatThrownBy(() -> layer(Duration.ofDays(1), List.of()))
                .isInstanceOf(InvalidScheduleException.class)
                .hasMessage("users: must name at least one user");
        assertThatThrownBy(() -> layer(Duration.ofDays(1), Arrays.asList("PALICE1", null, " ")))
                .hasMessage("users[1]: must be a user id; users[2]: must be a user id");
        assertThatThrownBy(() -> layer(Duration.ofDays(1), null)).hasMessage("users: is required");
    }

    @Test
    void aTurnIsBetweenAnHourAndAYearOfWholeSeconds() {
        assertThatThrownBy(() -> layer(Duration.ZERO, List.of("PALICE1")))
                .hasMessage("rotation_turn_length_seconds: must be positive, got 0");
        assertThatThrownBy(() -> layer(Duration.ofSeconds(-86_400), List.of("PALICE1")))
                .hasMessage("rotation_turn_length_seconds: must be positive, got -86400");
        assertThatThrownBy(() -> layer(Duration.ofMinutes(30), List.of("PALICE1")))
                .hasMessage("rotation_turn_length_seconds: must be at least 3600 (one hour), got 1800");
        assertThatThrownBy(() -> layer(Duration.ofDays(366), List.of("PALICE1")))
                .hasMessage("rotation_turn_length_seconds: must be at most 31536000 (365 days), got 31622400");
        assertThatThrownBy(() -> layer(Duration.ofMillis(3_600_500), List.of("PALICE1")))
                .hasMessage("rotation_turn_length_seconds: must be whole seconds");
        assertThat(layer(Duration.ofHours(1), List.of("PALICE1")).turnsAreWholeDays()).isFalse();
        assertThat(layer(Duration.ofDays(365), List.of("PALICE1")).turnsAreWholeDays()).isTrue();
    }

    @Test
    void aLayerEndsAfterItStarts() {
        assertThatThrownBy(() -> new Layer("PL1", "L", START, START.minusSeconds(1), START, Duration.ofDays(1),
                List.of("PALICE1"), List.of()))
                .hasMessage("end: must be after start (2024-01-01T00:00:00Z), got 2023-12-31T23:59:59Z");
        assertThatThrownBy(() -> new Layer("PL1", "L", START, START, START, Duration.ofDays(1),
                List.of("PALICE1"), List.of()))
                .hasMessageStartingWith("end: must be after start");
    }

    @Test
    void everyProblemOfALayerIsListedAtOnce() {
        InvalidScheduleException e = catchThrowableOfType(InvalidScheduleException.class,
                () -> new Layer(null, null, null, null, null, Duration.ZERO, List.of(), null));

        assertThat(e.problems()).extracting(InvalidScheduleException.Problem::field)
                .containsExactly("start", "rotation_virtual_start", "rotation_turn_length_seconds", "users");
    }

    @Test
    void problemsNameTheirPlaceInTheDocument() {
        InvalidScheduleException e = catchThrowableOfType(InvalidScheduleException.class,
                () -> InvalidScheduleException.at("schedule_layers[1]", () -> layer(Duration.ZERO, List.of("PALICE1"))));
        assertThat(e).hasMessage("schedule_layers[1].rotation_turn_length_seconds: must be positive, got 0");

        assertThatThrownBy(() -> InvalidScheduleException.at("schedule_layers[0].restrictions[2]",
                () -> Restriction.daily(LocalTime.of(8, 0), 90_000)))
                .hasMessage("schedule_layers[0].restrictions[2].duration_seconds: "
                        + "must be at most 86400 (one day), got 90000");
    }

    @Test
    void restrictionsLastAtMostTheirPeriod() {
        assertThatThrownBy(() -> Restriction.daily(LocalTime.of(8, 0), 86_401))
                .hasMessage("duration_seconds: must be at most 86400 (one day), got 86401");
        assertThatThrownBy(() -> Restriction.daily(LocalTime.of(8, 0), 0))
                .hasMessage("duration_seconds: must be positive, got 0");
        assertThatThrownBy(() -> Restriction.weekly(1, LocalTime.of(8, 0), 604_801))
                .hasMessage("duration_seconds: must be at most 604800 (one week), got 604801");
        assertThatThrownBy(() -> Restriction.weekly(0, LocalTime.of(8, 0), 3_600))
                .hasMessage("start_day_of_week: must be 1 (Monday) to 7 (Sunday), got 0");
        assertThatThrownBy(() -> Restriction.weekly(8, LocalTime.of(8, 0), 3_600))
                .hasMessage("start_day_of_week: must be 1 (Monday) to 7 (Sunday), got 8");
        assertThatThrownBy(() -> new Restriction.Weekly(null, null, null))
                .hasMessage("start_day_of_week: is required; start_time_of_day: is required; duration_seconds: is required");

        assertThat(Restriction.daily(LocalTime.of(0, 0), 86_400).type()).isEqualTo("daily_restriction");
        assertThat(Restriction.weekly(7, LocalTime.of(0, 0), 604_800))
                .isEqualTo(new Restriction.Weekly(DayOfWeek.SUNDAY, LocalTime.MIDNIGHT, Duration.ofDays(7)))
                .extracting(Restriction::type).isEqualTo("weekly_restriction");
    }

    @Test
    void aScheduleHasAZoneAndLayersWithDistinctIds() {
        Layer layer = layer(Duration.ofDays(1), List.of("PALICE1"));
        assertThatThrownBy(() -> new Schedule("PS", "S", null, List.of()))
                .hasMessage("time_zone: is required; schedule_layers: must contain at least one layer");
        assertThatThrownBy(() -> new Schedule("PS", "S", UTC, Arrays.asList(layer, null)))
                .hasMessage("schedule_layers[1]: must be a schedule layer");
        assertThatThrownBy(() -> new Schedule("PS", "S", UTC, List.of(layer, layer)))
                .hasMessage("schedule_layers[1].id: duplicates schedule_layers[0].id 'PL1'");
        assertThatThrownBy(() -> new Schedule("PS", "S", UTC, List.of(layer), Arrays.asList((ScheduleOverride) null)))
                .hasMessage("overrides[0]: must be an override");
    }

    @Test
    void nullRestrictionsMeanNoneAndCopiesAreDefensive() {
        List<String> users = new ArrayList<>(List.of("PALICE1"));
        Layer layer = new Layer("PL1", "L", START, null, START, Duration.ofDays(1), users, null);
        users.add("PBOBBY2");

        assertThat(layer.restrictions()).isEmpty();
        assertThat(layer.userIds()).containsExactly("PALICE1");
        assertThat(layer.zoneIn(UTC)).isEqualTo(UTC);
        assertThatThrownBy(() -> layer.userIds().add("PX")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anOverrideNamesAUserAndEndsAfterItStarts() {
        assertThatThrownBy(() -> new ScheduleOverride("PO1", "", START, START.minusSeconds(60)))
                .hasMessage("user.id: is required; end: must be after start (2024-01-01T00:00:00Z), "
                        + "got 2023-12-31T23:59:00Z");
        assertThatThrownBy(() -> new ScheduleOverride("PO1", "PALICE1", null, null))
                .hasMessage("start: is required; end: is required");
    }

    @Test
    void zonesAreIanaNamesAndTheFieldIsNamed() {
        assertThat(Zones.parse("time_zone", "Europe/Berlin")).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(Zones.parse("time_zone", "UTC")).isEqualTo(ZoneId.of("UTC"));
        assertThat(Zones.parse("time_zone", "Australia/Lord_Howe").getRules().isFixedOffset()).isFalse();
        assertThatThrownBy(() -> Zones.parse("schedule.time_zone", "Mars/Olympus_Mons"))
                .isInstanceOf(InvalidScheduleException.class)
                .hasMessage("schedule.time_zone: must be an IANA time zone such as Europe/Berlin or America/New_York, "
                        + "got 'Mars/Olympus_Mons'");
        assertThatThrownBy(() -> Zones.parse("schedule_layers[2].time_zone", "+02:00"))
                .hasMessageStartingWith("schedule_layers[2].time_zone: must be an IANA time zone");
        assertThatThrownBy(() -> Zones.parse("time_zone", "europe/berlin"))
                .hasMessageStartingWith("time_zone: must be an IANA time zone");
        assertThatThrownBy(() -> Zones.parse("time_zone", null)).hasMessage("time_zone: is required");
        assertThatThrownBy(() -> Zones.parse("time_zone", " ")).hasMessage("time_zone: is required");
        assertThatThrownBy(() -> Zones.parse("time_zone", "Bad\nZone" + "x".repeat(100)))
                .hasMessageContaining("got 'Bad?Zone").hasMessageEndingWith("…'");
    }

    @Test
    void entriesEndAfterTheyStart() {
        assertThatThrownBy(() -> new Entry("PALICE1", START, START)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Entry("PALICE1", START, START.plusSeconds(60)).duration()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void coverageRoundsToTwoDecimalsButNeverHidesAGapOrACover() {
        Duration month = Duration.ofDays(30);
        assertThat(Coverage.percent(Duration.ofHours(9), Duration.ofDays(1))).isEqualTo(37.5);
        assertThat(Coverage.percent(Duration.ofHours(16), Duration.ofDays(1))).isEqualTo(66.67);
        assertThat(Coverage.percent(Duration.ofHours(8), Duration.ofDays(1))).isEqualTo(33.33);
        assertThat(Coverage.percent(month, month)).isEqualTo(100.0);
        assertThat(Coverage.percent(Duration.ZERO, month)).isEqualTo(0.0);
        assertThat(Coverage.percent(month.minusSeconds(1), month)).isEqualTo(99.99);
        assertThat(Coverage.percent(Duration.ofSeconds(1), month)).isEqualTo(0.01);
        assertThat(Coverage.percent(Duration.ofNanos(1), Duration.ofNanos(3))).isEqualTo(33.33);
    }

    private static Layer layer(Duration turn, List<String> users) {
        return new Layer("PL1", "Layer 1", START, null, START, turn, users, List.of());
    }
}
