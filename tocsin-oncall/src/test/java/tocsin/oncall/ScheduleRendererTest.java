package tocsin.oncall;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleRendererTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final List<String> ABC = List.of("PALICE1", "PBOBBY2", "PCAROL3");

    // --- PagerDuty's own examples -----------------------------------------------------------------------------

    /**
     * PagerDuty's "Get a schedule" response example: "Daily Engineering Rotation" in America/New_York, one layer
     * starting 2015-11-06T20:00-05:00 with 86400-second turns and a daily_restriction of 08:00:00 for 32400 s; on
     * 2015-11-10 the final schedule is Regina Phalange 08:00–17:00 and the coverage 37.5.
     */
    @Test
    void pagerDutysDailyEngineeringRotationExample() {
        Layer layer = new Layer("PG68P1M", "Layer 1", at("2015-11-06T20:00:00-05:00"), null,
                at("2015-11-06T20:00:00-05:00"), Duration.ofSeconds(86_400), List.of("PXPGF42"),
                List.of(Restriction.daily(LocalTime.of(8, 0), 32_400)));
        Schedule schedule = new Schedule("PI7DH85", "Daily Engineering Rotation", NEW_YORK, List.of(layer));

        RenderedSchedule rendered = ScheduleRenderer.render(schedule, at("2015-11-10T00:00:00-05:00"),
                at("2015-11-11T00:00:00-05:00"));

        Entry regina = new Entry("PXPGF42", at("2015-11-10T08:00:00-05:00"), at("2015-11-10T17:00:00-05:00"));
        assertThat(rendered.finalSchedule().name()).isEqualTo("Final Schedule");
        assertThat(rendered.finalSchedule().renderedScheduleEntries()).containsExactly(regina);
        assertThat(rendered.finalSchedule().renderedCoveragePercentage()).isEqualTo(37.5);
        assertThat(rendered.scheduleLayers()).singleElement().satisfies(sub -> {
            assertThat(sub.id()).isEqualTo("PG68P1M");
            assertThat(sub.name()).isEqualTo("Layer 1");
            assertThat(sub.renderedScheduleEntries()).containsExactly(regina);
            assertThat(sub.renderedCoveragePercentage()).isEqualTo(37.5);
        });
        assertThat(rendered.overridesSubschedule().name()).isEqualTo("Overrides");
        assertThat(rendered.overridesSubschedule().renderedScheduleEntries()).isEmpty();
        assertThat(rendered.overridesSubschedule().renderedCoveragePercentage()).isZero();
    }

    /**
     * A weekly rotation restricted to 09:00–17:00 on weekdays, PagerDuty's "restrict on-call duty to specific
     * times-of-the-week" (one weekly_restriction per weekday), here in New York across the 2024-03-10 change: the
     * hours stay 09:00–17:00 local, so they move an hour earlier in UTC.
     */
    @Test
    void weeklyRotationRestrictedToWeekdayBusinessHours() {
        List<Restriction> weekdays = List.of(Restriction.weekly(1, LocalTime.of(9, 0), 28_800),
                Restriction.weekly(2, LocalTime.of(9, 0), 28_800), Restriction.weekly(3, LocalTime.of(9, 0), 28_800),
                Restriction.weekly(4, LocalTime.of(9, 0), 28_800), Restriction.weekly(5, LocalTime.of(9, 0), 28_800));
        Layer layer = new Layer("PWEEKLY", "Business hours", at("2024-03-01T00:00:00-05:00"), null,
                at("2024-03-04T09:00:00-05:00"), Duration.ofDays(7), ABC, weekdays);
        Schedule schedule = new Schedule("PSCHED1", "Support", NEW_YORK, List.of(layer));

        RenderedSchedule rendered = ScheduleRenderer.render(schedule, at("2024-03-04T00:00:00-05:00"),
                at("2024-03-25T00:00:00-04:00"));

        List<Entry> entries = rendered.finalSchedule().renderedScheduleEntries();
        assertThat(entries).hasSize(15);
        for (int i = 0; i < 15; i++) {
            Entry e = entries.get(i);
            LocalDateTime start = LocalDateTime.ofInstant(e.start(), NEW_YORK);
            assertThat(e.userId()).isEqualTo(ABC.get(i / 5));
            assertThat(start.toLocalDate()).isEqualTo(LocalDateTime.of(2024, 3, 4, 0, 0).toLocalDate()
                    .plusWeeks(i / 5).plusDays(i % 5));
            assertThat(start.toLocalTime()).isEqualTo(LocalTime.of(9, 0));
            assertThat(e.duration()).isEqualTo(Duration.ofHours(8));
        }
        assertThat(entries.get(0).start()).isEqualTo(at("2024-03-04T14:00:00Z"));
        assertThat(entries.get(5).start()).isEqualTo(at("2024-03-11T13:00:00Z"));
        // 120 hours on call out of three local weeks that are one hour short of 504: 120 / 503 = 23.857 %
        assertThat(rendered.finalSchedule().renderedCoveragePercentage()).isEqualTo(23.86);
        assertThat(rendered.onCallAt(at("2024-03-09T12:00:00-05:00"))).isEmpty(); // Saturday
    }

    /** PagerDuty's "Setting up Restrictions" example: on call 19:00–07:00 every weekday, so windows cross midnight. */
    @Test
    void weekdayNightsCrossMidnightAndSkipTheWeekend() {
        List<Restriction> nights = List.of(Restriction.weekly(1, LocalTime.of(19, 0), 43_200),
                Restriction.weekly(2, LocalTime.of(19, 0), 43_200), Restriction.weekly(3, LocalTime.of(19, 0), 43_200),
                Restriction.weekly(4, LocalTime.of(19, 0), 43_200), Restriction.weekly(5, LocalTime.of(19, 0), 43_200));
        Layer layer = new Layer("PNIGHTS", "Nights", at("2024-01-01T00:00:00Z"), null, at("2024-01-01T00:00:00Z"),
                Duration.ofDays(7), List.of("PNIGHT1"), nights);

        RenderedSchedule rendered = ScheduleRenderer.render(new Schedule("PS", "Nights", UTC, List.of(layer)),
                at("2024-03-04T00:00:00Z"), at("2024-03-11T00:00:00Z"));

        assertThat(rendered.finalSchedule().renderedScheduleEntries()).containsExactly(
                new Entry("PNIGHT1", at("2024-03-04T19:00:00Z"), at("2024-03-05T07:00:00Z")),
                new Entry("PNIGHT1", at("2024-03-05T19:00:00Z"), at("2024-03-06T07:00:00Z")),
                new Entry("PNIGHT1", at("2024-03-06T19:00:00Z"), at("2024-03-07T07:00:00Z")),
                new Entry("PNIGHT1", at("2024-03-07T19:00:00Z"), at("2024-03-08T07:00:00Z")),
                new Entry("PNIGHT1", at("2024-03-08T19:00:00Z"), at("2024-03-09T07:00:00Z")));
        assertThat(rendered.finalSchedule().renderedCoveragePercentage()).isEqualTo(35.71); // 60 h of 168 h
    }

    /**
     * Follow-the-sun as PagerDuty's community guide builds it: a UTC schedule, one layer per region, each restricted
     * to its eight hours of the UTC day. Together they cover the whole day; DST elsewhere changes nothing.
     */
    @Test
    void followTheSunWithThreeLayersInUtc() {
        Instant start = at("2024-03-25T00:00:00Z");
        Layer apac = new Layer("PAPAC", "APAC", start, null, start, Duration.ofDays(7), List.of("PSYD1", "PSYD2"),
                List.of(Restriction.daily(LocalTime.of(0, 0), 28_800)));
        Layer emea = new Layer("PEMEA", "EMEA", start, null, start, Duration.ofDays(7), List.of("PBER1", "PBER2"),
                List.of(Restriction.daily(LocalTime.of(8, 0), 28_800)));
        Layer amer = new Layer("PAMER", "AMER", start, null, start, Duration.ofDays(7), List.of("PNYC1", "PNYC2"),
                List.of(Restriction.daily(LocalTime.of(16, 0), 28_800)));
        Schedule schedule = new Schedule("PFTS", "Follow the sun", UTC, List.of(apac, emea, amer));

        RenderedSchedule rendered = ScheduleRenderer.render(schedule, at("2024-03-30T00:00:00Z"),
                at("2024-04-02T00:00:00Z"));

        assertThat(rendered.finalSchedule().renderedCoveragePercentage()).isEqualTo(100.0);
        assertThat(rendered.scheduleLayers()).allSatisfy(
                sub -> assertThat(sub.renderedCoveragePercentage()).isEqualTo(33.33));
        assertThat(rendered.finalSchedule().renderedScheduleEntries()).hasSize(9).startsWith(
                new Entry("PSYD1", at("2024-03-30T00:00:00Z"), at("2024-03-30T08:00:00Z")),
                new Entry("PBER1", at("2024-03-30T08:00:00Z"), at("2024-03-30T16:00:00Z")),
                new Entry("PNYC1", at("2024-03-30T16:00:00Z"), at("2024-03-31T00:00:00Z")));
        assertThat(rendered.onCallAt(at("2024-04-01T03:00:00Z"))).contains("PSYD2"); // week two
        assertThat(rendered.onCallAt(at("2024-04-01T12:00:00Z"))).contains("PBER2");
        assertThat(rendered.onCallAt(at("2024-04-01T20:00:00Z"))).contains("PNYC2");
    }

    /**
     * Tocsin's follow-the-sun: each layer in its own zone keeps 09:00–17:00 of its own people through their own DST
     * changes (New York 10 March, Berlin 31 March, Sydney 7 April 2024); where two regions' hours overlap, the later
     * layer wins as always.
     */
    @Test
    void followTheSunLayersInTheirOwnZonesKeepLocalHours() {
        Instant start = at("2024-03-04T00:00:00Z");
        List<Restriction> officeHours = List.of(Restriction.daily(LocalTime.of(9, 0), 28_800));
        ZoneId sydney = ZoneId.of("Australia/Sydney");
        Layer apac = new Layer("PAPAC", "APAC", start, null, start, Duration.ofDays(7), List.of("PSYD1"),
                officeHours, sydney);
        Layer emea = new Layer("PEMEA", "EMEA", start, null, start, Duration.ofDays(7), List.of("PBER1"),
                officeHours, BERLIN);
        Layer amer = new Layer("PAMER", "AMER", start, null, start, Duration.ofDays(7), List.of("PNYC1"),
                officeHours, NEW_YORK);
        Schedule schedule = new Schedule("PFTS", "Follow the sun", UTC, List.of(apac, emea, amer));

        // from Sydney's 17:00 on 4 March to Sydney's 17:00 on 15 April: nobody is mid-shift at either end
        RenderedSchedule rendered = ScheduleRenderer.render(schedule, at("2024-03-04T06:00:00Z"),
                at("2024-04-15T07:00:00Z"));

        List<ZoneId> zones = List.of(sydney, BERLIN, NEW_YORK);
        for (int i = 0; i < 3; i++) {
            Subschedule layer = rendered.scheduleLayers().get(i);
            assertThat(layer.renderedScheduleEntries()).hasSize(42);
            for (Entry e : layer.renderedScheduleEntries()) {
                assertThat(LocalDateTime.ofInstant(e.start(), zones.get(i)).toLocalTime()).isEqualTo(LocalTime.of(9, 0));
                assertThat(LocalDateTime.ofInstant(e.end(), zones.get(i)).toLocalTime()).isEqualTo(LocalTime.of(17, 0));
            }
        }
        // 15:00Z on 5 March: Berlin 16:00 CET and New York 10:00 EST both on; New York, the later layer, wins
        assertThat(rendered.onCallAt(at("2024-03-05T15:00:00Z"))).contains("PNYC1");
        // 12:30Z on 12 March: Berlin 13:30, New York 08:30 EDT (already on DST): Berlin
        assertThat(rendered.onCallAt(at("2024-03-12T12:30:00Z"))).contains("PBER1");
        // 07:30Z on 2 April: Berlin 09:30 CEST, on since Berlin's own change; Sydney 18:30 AEDT, off
        assertThat(rendered.onCallAt(at("2024-04-02T07:30:00Z"))).contains("PBER1");
        // 23:30Z on 8 April: Sydney 09:30 AEST, after Sydney's change back; an hour later in UTC than in March
        assertThat(rendered.onCallAt(at("2024-04-08T23:30:00Z"))).contains("PSYD1");
        assertThat(rendered.onCallAt(at("2024-03-04T22:30:00Z"))).contains("PSYD1"); // 09:30 AEDT
        assertThat(rendered.finalSchedule().renderedCoveragePercentage()).isLessThan(100.0);
    }

    // --- Precedence ---------------------------------------------------------------------------------------------

    @Test
    void laterLayersWinAndOverridesWinOverEveryLayerTheLastCreatedFirst() {
        Instant start = at("2024-01-01T00:00:00Z");
        Layer base = new Layer("PL1", "Layer 1", start, null, start, Duration.ofDays(7), List.of("PALICE1"), List.of());
        Layer lunch = new Layer("PL2", "Layer 2", start, null, start, Duration.ofDays(7), List.of("PBOBBY2"),
                List.of(Restriction.daily(LocalTime.of(12, 0), 7_200)));
        Schedule schedule = new Schedule("PS", "Precedence", UTC, List.of(base, lunch), List.of(
                new ScheduleOverride("PO1", "PCAROL3", at("2024-01-02T13:00:00Z"), at("2024-01-02T15:00:00Z")),
                new ScheduleOverride("PO2", "PDAVE44", at("2024-01-02T14:30:00Z"), at("2024-01-02T16:00:00Z"))));

        RenderedSchedule rendered = ScheduleRenderer.render(schedule, at("2024-01-02T00:00:00Z"),
                at("2024-01-03T00:00:00Z"));

        assertThat(rendered.finalSchedule().renderedScheduleEntries()).containsExactly(
                new Entry("PALICE1", at("2024-01-02T00:00:00Z"), at("2024-01-02T12:00:00Z")),
                new Entry("PBOBBY2", at("2024-01-02T12:00:00Z"), at("2024-01-02T13:00:00Z")),
                new Entry("PCAROL3", at("2024-01-02T13:00:00Z"), at("2024-01-02T14:30:00Z")),
                new Entry("PDAVE44", at("2024-01-02T14:30:00Z"), at("2024-01-02T16:00:00Z")),
                new Entry("PALICE1", at("2024-01-02T16:00:00Z"), at("2024-01-03T00:00:00Z")));
        assertThat(rendered.overridesSubschedule().renderedScheduleEntries()).containsExactly(
                new Entry("PCAROL3", at("2024-01-02T13:00:00Z"), at("2024-01-02T14:30:00Z")),
                new Entry("PDAVE44", at("2024-01-02T14:30:00Z"), at("2024-01-02T16:00:00Z")));
        assertThat(rendered.overridesSubschedule().renderedCoveragePercentage()).isEqualTo(12.5);
        assertThat(rendered.scheduleLayers().get(1).renderedCoveragePercentage()).isEqualTo(8.33);
    }

    @Test
    void anOverrideCoversAGapInTheLayersAndIsCutAtTheWindow() {
        Instant start = at("2024-01-01T00:00:00Z");
        Layer days = new Layer("PL1", null, start, null, start, Duration.ofDays(1), List.of("PALICE1"),
                List.of(Restriction.daily(LocalTime.of(9, 0), 28_800)));
        Schedule schedule = new Schedule("PS", null, UTC, List.of(days), List.of(
                new ScheduleOverride("PO1", "PBOBBY2", at("2024-01-01T20:00:00Z"), at("2024-01-02T10:00:00Z"))));

        RenderedSchedule rendered = ScheduleRenderer.render(schedule, at("2024-01-02T00:00:00Z"),
                at("2024-01-02T12:00:00Z"));

        assertThat(rendered.finalSchedule().renderedScheduleEntries()).containsExactly(
                new Entry("PBOBBY2", at("2024-01-02T00:00:00Z"), at("2024-01-02T10:00:00Z")),
                new Entry("PALICE1", at("2024-01-02T10:00:00Z"), at("2024-01-02T12:00:00Z")));
        assertThat(rendered.scheduleLayers().getFirst().name()).isEqualTo("Layer 1");
        assertThat(rendered.finalSchedule().renderedCoveragePercentage()).isEqualTo(100.0);
    }

    @Test
    void touchingEntriesOfOneUserMerge() {
        Instant start = at("2024-01-01T00:00:00Z");
        Layer solo = new Layer("PL1", "Solo", start, null, start, Duration.ofDays(1), List.of("PALICE1"), List.of());
        Layer evenings = new Layer("PL2", "Evenings", start, null, start, Duration.ofDays(1), List.of("PALICE1"),
                List.of(Restriction.daily(LocalTime.of(18, 0), 14_400)));

        RenderedSchedule rendered = ScheduleRenderer.render(new Schedule("PS", "Solo", UTC, List.of(solo, evenings)),
                at("2024-01-01T00:00:00Z"), at("2024-01-04T00:00:00Z"));

        Entry all = new Entry("PALICE1", at("2024-01-01T00:00:00Z"), at("2024-01-04T00:00:00Z"));
        assertThat(rendered.scheduleLayers().getFirst().renderedScheduleEntries()).containsExactly(all);
        assertThat(rendered.finalSchedule().renderedScheduleEntries()).containsExactly(all);
    }

    // --- Rotation arithmetic ------------------------------------------------------------------------------------

    @Test
    void startAndEndClipTheLayerAndTurnsBeforeTheVirtualStartCountBackwards() {
        Layer layer = new Layer("PL1", "Layer 1", at("2024-01-05T12:00:00Z"), at("2024-01-07T06:00:00Z"),
                at("2024-01-10T00:00:00Z"), Duration.ofDays(1), ABC, List.of());

        RenderedSchedule rendered = ScheduleRenderer.render(new Schedule("PS", "Clip", UTC, List.of(layer)),
                at("2024-01-01T00:00:00Z"), at("2024-01-10T00:00:00Z"));

        // turn −5 (5 January) is users[−5 mod 3] = users[1]
        assertThat(rendered.finalSchedule().renderedScheduleEntries()).containsExactly(
                new Entry("PBOBBY2", at("2024-01-05T12:00:00Z"), at("2024-01-06T00:00:00Z")),
                new Entry("PCAROL3", at("2024-01-06T00:00:00Z"), at("2024-01-07T00:00:00Z")),
                new Entry("PALICE1", at("2024-01-07T00:00:00Z"), at("2024-01-07T06:00:00Z")));
        assertThat(rendered.finalSchedule().renderedCoveragePercentage()).isEqualTo(19.44); // 42 h of 216 h
    }

    @Test
    void aDailyHandoffStaysAtNineThroughSpringAndAutumnChanges() {
        Layer layer = new Layer("PL1", "Daily", at("2024-01-01T00:00:00Z"), null, at("2024-03-25T09:00:00+01:00"),
                Duration.ofDays(1), ABC, List.of());
        Schedule schedule = new Schedule("PS", "Daily", BERLIN, List.of(layer));

        assertThat(ScheduleRenderer.render(schedule, at("2024-03-29T00:00:00+01:00"), at("2024-04-02T00:00:00+02:00"))
                .finalSchedule().renderedScheduleEntries()).containsExactly(
                new Entry("PALICE1", at("2024-03-29T00:00:00+01:00"), at("2024-03-29T09:00:00+01:00")),
                new Entry("PBOBBY2", at("2024-03-29T09:00:00+01:00"), at("2024-03-30T09:00:00+01:00")),
                new Entry("PCAROL3", at("2024-03-30T09:00:00+01:00"), at("2024-03-31T09:00:00+02:00")), // 23 h
                new Entry("PALICE1", at("2024-03-31T09:00:00+02:00"), at("2024-04-01T09:00:00+02:00")),
                new Entry("PBOBBY2", at("2024-04-01T09:00:00+02:00"), at("2024-04-02T00:00:00+02:00")));

        Entry autumn = ScheduleRenderer.render(schedule, at("2024-10-26T12:00:00+02:00"), at("2024-10-28T00:00:00+01:00"))
                .finalSchedule().renderedScheduleEntries().get(1);
        assertThat(autumn.start()).isEqualTo(at("2024-10-27T09:00:00+01:00"));
        assertThat(autumn.end()).isEqualTo(at("2024-10-28T00:00:00+01:00"));
        Entry across = ScheduleRenderer.render(schedule, at("2024-10-25T00:00:00+02:00"), at("2024-10-29T00:00:00+01:00"))
                .finalSchedule().renderedScheduleEntries().get(2);
        assertThat(across.start()).isEqualTo(at("2024-10-26T09:00:00+02:00"));
        assertThat(across.duration()).isEqualTo(Duration.ofHours(25));
    }

    @Test
    void twelveHourTurnsAreFixedAndTheirLocalHandoffMovesWithTheClock() {
        Layer layer = new Layer("PL1", "Halves", at("2024-01-01T00:00:00Z"), null, at("2024-03-30T09:00:00+01:00"),
                Duration.ofHours(12), List.of("PALICE1", "PBOBBY2"), List.of());

        List<Entry> entries = ScheduleRenderer.render(new Schedule("PS", "Halves", BERLIN, List.of(layer)),
                at("2024-03-30T09:00:00+01:00"), at("2024-04-01T10:00:00+02:00")).finalSchedule().renderedScheduleEntries();

        assertThat(entries).extracting(e -> LocalDateTime.ofInstant(e.start(), BERLIN).toLocalTime())
                .containsExactly(LocalTime.of(9, 0), LocalTime.of(21, 0), LocalTime.of(10, 0), LocalTime.of(22, 0));
        assertThat(entries).allSatisfy(e -> assertThat(e.duration()).isEqualTo(Duration.ofHours(12)));
    }

    @Test
    void aHandoffInTheSpringGapMovesLaterByTheGapAndOneInTheAutumnOverlapTakesTheFirstOccurrence() {
        Layer layer = new Layer("PL1", "Night owls", at("2024-01-01T00:00:00Z"), null,
                at("2024-03-28T02:30:00+01:00"), Duration.ofDays(1), ABC, List.of());
        Schedule schedule = new Schedule("PS", "Owls", BERLIN, List.of(layer));

        assertThat(ScheduleRenderer.render(schedule, at("2024-03-30T00:00:00Z"), at("2024-04-02T00:00:00Z"))
                .finalSchedule().renderedScheduleEntries()).extracting(Entry::start).containsExactly(
                at("2024-03-30T00:00:00Z"),
                at("2024-03-30T02:30:00+01:00"),
                at("2024-03-31T03:30:00+02:00"), // 02:30 does not exist that night
                at("2024-04-01T02:30:00+02:00"));
        assertThat(ScheduleRenderer.render(schedule, at("2024-10-26T12:00:00Z"), at("2024-10-27T12:00:00Z"))
                .finalSchedule().renderedScheduleEntries().get(1).start())
                .isEqualTo(at("2024-10-27T02:30:00+02:00")); // the first of the two 02:30s
    }

    @Test
    void aVirtualStartInAGapIsReadAtItsWallClockTime() {
        // "02:30 on 31 March" does not exist in Berlin; a client sends the instant, which Berlin reads as 03:30
        Layer layer = new Layer("PL1", "Layer 1", at("2024-03-01T00:00:00Z"), null, at("2024-03-31T03:30:00+02:00"),
                Duration.ofDays(1), ABC, List.of());

        List<Entry> entries = ScheduleRenderer.render(new Schedule("PS", "Gap", BERLIN, List.of(layer)),
                at("2024-03-29T00:00:00Z"), at("2024-04-03T00:00:00Z")).finalSchedule().renderedScheduleEntries();

        assertThat(entries.subList(1, entries.size()))
                .extracting(e -> LocalDateTime.ofInstant(e.start(), BERLIN).toLocalTime())
                .containsOnly(LocalTime.of(3, 30));
    }

    @Test
    void aTurnSwallowedByACalendarGapSkipsItsUserOnce() {
        // Samoa moved across the date line: 29 December 2011 was followed by 31 December
        ZoneId apia = ZoneId.of("Pacific/Apia");
        Layer layer = new Layer("PL1", "Samoa", at("2011-12-01T00:00:00Z"), null,
                LocalDateTime.of(2011, 12, 26, 9, 0).atZone(apia).toInstant(), Duration.ofDays(1), ABC, List.of());
        Instant since = LocalDateTime.of(2011, 12, 29, 0, 0).atZone(apia).toInstant();
        Instant until = LocalDateTime.of(2012, 1, 1, 0, 0).atZone(apia).toInstant();

        RenderedSchedule rendered = ScheduleRenderer.render(new Schedule("PS", "Samoa", apia, List.of(layer)),
                since, until);

        // turns: 28th Carol, 29th Alice, 30th Bob (the day that never was), 31st Carol
        assertThat(rendered.finalSchedule().renderedScheduleEntries()).extracting(Entry::userId)
                .containsExactly("PCAROL3", "PALICE1", "PCAROL3");
        assertThat(rendered.finalSchedule().renderedCoveragePercentage()).isEqualTo(100.0);
    }

    // --- Restriction windows in local time -----------------------------------------------------------------------

    @Test
    void aRestrictionWindowInsideTheSpringGapIsEmptyAndOneInTheAutumnOverlapLastsTwoHours() {
        Layer layer = new Layer("PL1", "Two o'clock", at("2024-01-01T00:00:00Z"), null, at("2024-01-01T00:00:00Z"),
                Duration.ofDays(7), List.of("PALICE1"), List.of(Restriction.daily(LocalTime.of(2, 0), 3_600)));
        Schedule schedule = new Schedule("PS", "Two", BERLIN, List.of(layer));

        assertThat(ScheduleRenderer.render(schedule, at("2024-03-30T00:00:00Z"), at("2024-04-02T00:00:00Z"))
                .finalSchedule().renderedScheduleEntries()).containsExactly(
                new Entry("PALICE1", at("2024-03-30T02:00:00+01:00"), at("2024-03-30T03:00:00+01:00")),
                new Entry("PALICE1", at("2024-04-01T02:00:00+02:00"), at("2024-04-01T03:00:00+02:00")));
        assertThat(ScheduleRenderer.render(schedule, at("2024-10-26T12:00:00Z"), at("2024-10-27T12:00:00Z"))
                .finalSchedule().renderedScheduleEntries()).containsExactly(
                new Entry("PALICE1", at("2024-10-27T02:00:00+02:00"), at("2024-10-27T03:00:00+01:00")));
    }

    @Test
    void aWeeklyWindowCrossesTheEndOfTheWeekAndOneOpenedBeforeTheWindowCounts() {
        Layer layer = new Layer("PL1", "Weekend", at("2024-01-01T00:00:00Z"), null, at("2024-01-01T00:00:00Z"),
                Duration.ofDays(7), List.of("PALICE1"),
                List.of(new Restriction.Weekly(DayOfWeek.SUNDAY, LocalTime.of(20, 0), Duration.ofHours(36))));

        assertThat(ScheduleRenderer.render(new Schedule("PS", "Weekend", UTC, List.of(layer)),
                at("2024-03-04T00:00:00Z"), at("2024-03-11T00:00:00Z")).finalSchedule().renderedScheduleEntries())
                .containsExactly(
                        new Entry("PALICE1", at("2024-03-04T00:00:00Z"), at("2024-03-05T08:00:00Z")),
                        new Entry("PALICE1", at("2024-03-10T20:00:00Z"), at("2024-03-11T00:00:00Z")));
    }

    @Test
    void restrictionsCutTurnsWithoutShiftingTheRotation() {
        Layer layer = new Layer("PL1", "Days", at("2024-01-01T00:00:00Z"), null, at("2024-01-01T00:00:00Z"),
                Duration.ofDays(1), ABC, List.of(Restriction.daily(LocalTime.of(22, 0), 36_000)));

        assertThat(ScheduleRenderer.render(new Schedule("PS", "Nights", UTC, List.of(layer)),
                at("2024-01-01T00:00:00Z"), at("2024-01-03T00:00:00Z")).finalSchedule().renderedScheduleEntries())
                .containsExactly(
                        new Entry("PALICE1", at("2024-01-01T00:00:00Z"), at("2024-01-01T08:00:00Z")),
                        // the window from 22:00 to 08:00 is split at the midnight handoff
                        new Entry("PALICE1", at("2024-01-01T22:00:00Z"), at("2024-01-02T00:00:00Z")),
                        new Entry("PBOBBY2", at("2024-01-02T00:00:00Z"), at("2024-01-02T08:00:00Z")),
                        new Entry("PBOBBY2", at("2024-01-02T22:00:00Z"), at("2024-01-03T00:00:00Z")));
    }

    // --- On call at an instant ------------------------------------------------------------------------------------

    @Test
    void onCallAtAnswersAtBoundariesInGapsAndRefusesInstantsOutsideTheWindow() {
        Layer layer = new Layer("PL1", "Days", at("2024-01-01T00:00:00Z"), null, at("2024-01-01T09:00:00Z"),
                Duration.ofDays(1), ABC, List.of(Restriction.daily(LocalTime.of(9, 0), 28_800)));
        Schedule schedule = new Schedule("PS", "Days", UTC, List.of(layer));
        RenderedSchedule rendered = ScheduleRenderer.render(schedule, at("2024-01-01T00:00:00Z"),
                at("2024-01-03T00:00:00Z"));

        assertThat(rendered.onCallAt(at("2024-01-01T09:00:00Z"))).contains("PALICE1");
        assertThat(rendered.onCallAt(at("2024-01-01T16:59:59.999999999Z"))).contains("PALICE1");
        assertThat(rendered.onCallAt(at("2024-01-01T17:00:00Z"))).isEmpty();
        assertThat(rendered.onCallAt(at("2024-01-02T12:00:00Z"))).contains("PBOBBY2");
        assertThat(rendered.onCallAt(at("2024-01-01T00:00:00Z"))).isEmpty();
        assertThatThrownBy(() -> rendered.onCallAt(at("2024-01-03T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the rendered window");

        assertThat(ScheduleRenderer.onCallAt(schedule, at("2024-01-02T12:00:00Z"))).contains("PBOBBY2");
        assertThat(ScheduleRenderer.onCallAt(schedule, at("2024-01-02T20:00:00Z"))).isEqualTo(Optional.empty());
    }

    @Test
    void aWindowMustNotBeEmpty() {
        Layer layer = new Layer("PL1", "L", at("2024-01-01T00:00:00Z"), null, at("2024-01-01T00:00:00Z"),
                Duration.ofDays(1), ABC, List.of());
        Schedule schedule = new Schedule("PS", "S", UTC, List.of(layer));

        assertThatThrownBy(() -> ScheduleRenderer.render(schedule, at("2024-01-02T00:00:00Z"), at("2024-01-02T00:00:00Z")))
                .isInstanceOf(InvalidScheduleException.class)
                .hasMessageStartingWith("until: must be after since");
    }

    static Instant at(String isoWithOffset) {
        return OffsetDateTime.parse(isoWithOffset).toInstant();
    }
}
