package tocsin.oncall;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every DST change of a dozen zones between 2000 and 2040 (taken from {@link ZoneRules#nextTransition}), with a daily,
 * a weekly and a 12-hour rotation of three users rendered around each, compared with an oracle that applies the
 * documented rules straight from {@link ZoneRules} (not through {@code ZonedDateTime}), and checked for the
 * properties a person on call relies on: no gap, no overlap, the handoff at the same local time, each turn as long as
 * the calendar says, the order kept, overrides replacing exactly their interval, and {@code onCallAt} agreeing.
 */
class DstSweepPropertyTest {
    static final List<String> ZONES = List.of("Europe/Berlin", "Europe/London", "America/New_York",
            "America/Los_Angeles", "America/Sao_Paulo", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Auckland",
            "America/Santiago", "Asia/Tehran", "Africa/Cairo", "America/St_Johns");
    static final Instant SWEEP_FROM = Instant.parse("2000-01-01T00:00:00Z");
    static final Instant SWEEP_TO = Instant.parse("2041-01-01T00:00:00Z");
    static final List<Change> CHANGES = sweep();
    static final List<String> USERS = List.of("PALICE1", "PBOBBY2", "PCAROL3");

    /** One offset change of one zone. */
    record Change(ZoneId zone, ZoneOffsetTransition transition) {
        Instant instant() {
            return transition.getInstant();
        }

        ZoneRules rules() {
            return zone.getRules();
        }

        @Override
        public String toString() {
            return zone + " " + transition.getDateTimeBefore() + " " + transition.getOffsetBefore() + "→"
                    + transition.getOffsetAfter();
        }
    }

    /** The local handoff time of the rotations rendered around a change. */
    enum Handoff {
        /** 09:00, which no change here touches: the handoff must stay at 09:00. */
        BUSINESS_HOURS,
        /** The wall-clock time that falls in the change itself (in the gap, or twice in the overlap). */
        IN_THE_CHANGE,
        /** 00:00, which South American, Iranian and Egyptian changes skip or repeat. */
        MIDNIGHT;

        LocalTime at(ZoneOffsetTransition t) {
            return switch (this) {
                case BUSINESS_HOURS -> LocalTime.of(9, 0);
                case IN_THE_CHANGE -> t.isGap() ? t.getDateTimeBefore().toLocalTime()
                        : t.getDateTimeAfter().toLocalTime();
                case MIDNIGHT -> LocalTime.MIDNIGHT;
            };
        }
    }

    private static List<Change> sweep() {
        List<Change> changes = new ArrayList<>();
        for (String id : ZONES) {
            ZoneId zone = ZoneId.of(id);
            ZoneRules rules = zone.getRules();
            for (ZoneOffsetTransition t = rules.nextTransition(SWEEP_FROM);
                 t != null && t.getInstant().isBefore(SWEEP_TO); t = rules.nextTransition(t.getInstant())) {
                changes.add(new Change(zone, t));
            }
        }
        return List.copyOf(changes);
    }

    @Provide
    Arbitrary<Change> changes() {
        return Arbitraries.of(CHANGES);
    }

    @Example
    void theSweepCoversEveryZoneAcrossFourDecades() {
        Map<String, Integer> perZone = new TreeMap<>();
        for (Change c : CHANGES) {
            perZone.merge(c.zone().getId(), 1, Integer::sum);
        }
        assertThat(perZone).containsOnlyKeys(ZONES);
        assertThat(perZone.get("Europe/Berlin")).isEqualTo(82); // twice a year, 2000–2040
        assertThat(perZone.get("America/Sao_Paulo")).isBetween(36, 40); // DST abolished in 2019
        assertThat(perZone.get("Asia/Tehran")).isBetween(36, 46); // abolished in 2022
        assertThat(CHANGES).hasSizeGreaterThan(700);
    }

    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 10_000)
    void dailyTurnsAreLocalDays(@ForAll("changes") Change change, @ForAll Handoff handoff) {
        checkWholeDayRotation(change, handoff, 1, Duration.ofDays(4));
    }

    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 10_000)
    void weeklyTurnsAreLocalWeeks(@ForAll("changes") Change change, @ForAll Handoff handoff) {
        checkWholeDayRotation(change, handoff, 7, Duration.ofDays(17));
    }

    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 10_000)
    void twelveHourTurnsAreTwelveHoursLong(@ForAll("changes") Change change) {
        Instant since = change.instant().minus(Duration.ofDays(3));
        Instant until = change.instant().plus(Duration.ofDays(3));
        Instant virtualStart = change.instant().plus(Duration.ofMinutes(phase(change) * 97L));
        Schedule schedule = schedule(change.zone(), virtualStart, Duration.ofHours(12));
        RenderedSchedule rendered = ScheduleRenderer.render(schedule, since, until);
        List<Entry> entries = rendered.finalSchedule().renderedScheduleEntries();

        List<Entry> expected = new ArrayList<>();
        long m = Math.floorDiv(Duration.between(virtualStart, since).toSeconds(), 43_200) - 1;
        for (Instant s = virtualStart.plus(Duration.ofHours(12 * m)); s.isBefore(until); s = s.plus(Duration.ofHours(12)), m++) {
            addClipped(expected, USERS.get(Math.floorMod(m, 3)), s, s.plus(Duration.ofHours(12)), since, until);
        }
        assertThat(entries).isEqualTo(expected);
        assertContiguous(entries, since, until);
        assertRotationOrder(entries);
        for (int i = 1; i < entries.size() - 1; i++) {
            assertThat(entries.get(i).duration()).isEqualTo(Duration.ofHours(12));
        }
        assertOnCallAgrees(rendered, expected, change);
    }

    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 10_000)
    void overridesReplaceExactlyTheirInterval(@ForAll("changes") Change change) {
        Instant since = change.instant().minus(Duration.ofDays(4));
        Instant until = change.instant().plus(Duration.ofDays(4));
        LocalDateTime virtualStart = change.transition().getDateTimeBefore().toLocalDate()
                .minusDays(phase(change)).atTime(9, 0);
        Schedule layersOnly = schedule(change.zone(), oracleInstant(virtualStart, change.rules()), Duration.ofDays(1));
        ScheduleOverride first = new ScheduleOverride("PO1", "POVER01",
                change.instant().minus(Duration.ofHours(5)), change.instant().plus(Duration.ofHours(7)));
        ScheduleOverride later = new ScheduleOverride("PO2", "POVER02",
                change.instant().plus(Duration.ofHours(6)), change.instant().plus(Duration.ofHours(9)));
        Schedule withOverrides = layersOnly.withOverrides(List.of(first, later));

        List<Entry> base = ScheduleRenderer.render(layersOnly, since, until).finalSchedule().renderedScheduleEntries();
        RenderedSchedule rendered = ScheduleRenderer.render(withOverrides, since, until);

        List<Entry> expected = cutOut(cutOut(base, first.start(), first.end()), later.start(), later.end());
        expected.add(new Entry(first.userId(), first.start(), later.start()));
        expected.add(new Entry(later.userId(), later.start(), later.end()));
        expected.sort((a, b) -> a.start().compareTo(b.start()));
        assertThat(rendered.finalSchedule().renderedScheduleEntries()).isEqualTo(Timeline.merged(expected));
        assertThat(rendered.overridesSubschedule().renderedScheduleEntries()).containsExactly(
                new Entry(first.userId(), first.start(), later.start()),
                new Entry(later.userId(), later.start(), later.end()));
        assertThat(rendered.scheduleLayers().getFirst().renderedScheduleEntries()).isEqualTo(base);
        assertContiguous(rendered.finalSchedule().renderedScheduleEntries(), since, until);
        assertOnCallAgrees(rendered, rendered.finalSchedule().renderedScheduleEntries(), change);
    }

    @Property(generation = GenerationMode.EXHAUSTIVE, tries = 10_000)
    void restrictionWindowsKeepTheirWallClockHours(@ForAll("changes") Change change, @ForAll Handoff opening) {
        ZoneRules rules = change.rules();
        Instant since = change.instant().minus(Duration.ofDays(3));
        Instant until = change.instant().plus(Duration.ofDays(3));
        LocalTime opens = opening.at(change.transition());
        Duration open = Duration.ofHours(10);
        Layer layer = new Layer("PLAYER1", "Nights", SWEEP_FROM, null, SWEEP_FROM, Duration.ofDays(7),
                List.of("PNIGHT1"), List.of(new Restriction.Daily(opens, open)));
        RenderedSchedule rendered = ScheduleRenderer.render(
                new Schedule("PSCHED1", "restricted", change.zone(), List.of(layer)), since, until);

        // The oracle: each local day's window opens at its wall-clock time and closes ten wall-clock hours later.
        List<Entry> expected = new ArrayList<>();
        for (LocalDateTime day = LocalDateTime.ofInstant(since, change.zone()).toLocalDate().minusDays(1).atTime(opens);
             oracleInstant(day, rules).isBefore(until); day = day.plusDays(1)) {
            Instant start = oracleInstant(day, rules);
            Instant end = oracleInstant(day.plus(open), rules);
            if (start.isBefore(end)) {
                addClipped(expected, "PNIGHT1", start, end, since, until);
            }
        }
        assertThat(rendered.finalSchedule().renderedScheduleEntries()).isEqualTo(Timeline.merged(expected));
        for (Entry e : rendered.finalSchedule().renderedScheduleEntries()) {
            LocalDateTime from = LocalDateTime.ofInstant(e.start(), change.zone());
            LocalDateTime to = LocalDateTime.ofInstant(e.end(), change.zone());
            if (!e.start().equals(since) && rules.getValidOffsets(from.toLocalDate().atTime(opens)).size() == 1) {
                assertThat(from.toLocalTime()).as("window of %s opens on time", e).isEqualTo(opens);
            }
            LocalDateTime closes = from.toLocalDate().atTime(opens).plus(open);
            if (!e.end().equals(until) && !e.start().equals(since) && rules.getValidOffsets(closes).size() == 1) {
                assertThat(to).as("window of %s closes ten wall-clock hours after it opens", e).isEqualTo(closes);
            }
        }
        assertOnCallAgrees(rendered, Timeline.merged(expected), change);
    }

    private static void checkWholeDayRotation(Change change, Handoff handoff, int days, Duration halfWindow) {
        ZoneRules rules = change.rules();
        Instant since = change.instant().minus(halfWindow);
        Instant until = change.instant().plus(halfWindow);
        LocalTime handoffTime = handoff.at(change.transition());
        LocalDateTime virtualStart = change.transition().getDateTimeBefore().toLocalDate()
                .minusDays(phase(change)).atTime(handoffTime);
        Schedule schedule = schedule(change.zone(), oracleInstant(virtualStart, rules), Duration.ofDays(days));
        RenderedSchedule rendered = ScheduleRenderer.render(schedule, since, until);
        List<Entry> entries = rendered.finalSchedule().renderedScheduleEntries();

        // The oracle: handoff j is the virtual start's local date-time plus j × days, made an instant by the
        // documented rule; turn j belongs to users[j mod 3].
        List<Entry> expected = new ArrayList<>();
        Map<Instant, LocalDateTime> nominal = new TreeMap<>();
        long j = Math.floorDiv(ChronoUnit.DAYS.between(virtualStart.toLocalDate(),
                LocalDateTime.ofInstant(since, change.zone()).toLocalDate()), days) - 1;
        LocalDateTime local = virtualStart.plusDays(j * days);
        assertThat(oracleInstant(local, rules)).isBeforeOrEqualTo(since);
        while (oracleInstant(local, rules).isBefore(until)) {
            LocalDateTime nextLocal = local.plusDays(days);
            addClipped(expected, USERS.get(Math.floorMod(j, 3)), oracleInstant(local, rules),
                    oracleInstant(nextLocal, rules), since, until);
            nominal.put(oracleInstant(local, rules), local);
            local = nextLocal;
            j++;
        }
        assertThat(entries).isEqualTo(expected);
        assertThat(rendered.finalSchedule().renderedCoveragePercentage()).isEqualTo(100.0);
        assertContiguous(entries, since, until);
        assertRotationOrder(entries);

        for (int i = 1; i < entries.size(); i++) {
            Instant handoffAt = entries.get(i).start();
            LocalDateTime wanted = nominal.get(handoffAt);
            assertThat(wanted).as("handoff %s is one of the rotation's", handoffAt).isNotNull();
            LocalDateTime actual = LocalDateTime.ofInstant(handoffAt, change.zone());
            if (rules.getValidOffsets(wanted).size() == 1) {
                assertThat(actual).as("handoff local time").isEqualTo(wanted);
            } else if (rules.getValidOffsets(wanted).isEmpty()) {
                assertThat(actual).as("handoff in a gap moves later by the gap")
                        .isEqualTo(wanted.plus(rules.getTransition(wanted).getDuration()));
            } else {
                assertThat(rules.getOffset(handoffAt)).as("handoff in an overlap takes the first occurrence")
                        .isEqualTo(rules.getTransition(wanted).getOffsetBefore());
            }
            if (i < entries.size() - 1) {
                // A full turn lasts its days of 24 h, less the clock change between its two handoffs: 23 h or 25 h
                // on a one-hour change, 23½ h or 24½ h on Lord Howe.
                LocalDateTime wantedEnd = nominal.get(entries.get(i).end());
                long seconds = days * 86_400L + offsetOf(wanted, rules).getTotalSeconds()
                        - offsetOf(wantedEnd, rules).getTotalSeconds();
                assertThat(entries.get(i).duration()).as("turn %s", entries.get(i)).isEqualTo(Duration.ofSeconds(seconds));
                assertThat(ChronoUnit.DAYS.between(wanted, wantedEnd)).isEqualTo(days);
            }
        }
        if (handoff == Handoff.BUSINESS_HOURS) {
            Entry across = entries.stream().filter(e -> e.contains(change.instant())).findFirst().orElseThrow();
            assertThat(across.duration()).as("the turn across the change")
                    .isEqualTo(Duration.ofDays(days).minus(change.transition().getDuration()));
        }
        assertOnCallAgrees(rendered, expected, change);
    }

    /** The documented rule, applied from the zone's rules: first occurrence in an overlap, later by the gap in a gap. */
    static Instant oracleInstant(LocalDateTime local, ZoneRules rules) {
        List<ZoneOffset> valid = rules.getValidOffsets(local);
        if (valid.size() == 1) {
            return local.toInstant(valid.getFirst());
        }
        ZoneOffsetTransition t = rules.getTransition(local);
        if (valid.isEmpty()) {
            return local.plus(t.getDuration()).toInstant(t.getOffsetAfter());
        }
        return local.toInstant(t.getOffsetBefore());
    }

    /** The offset a wall-clock time is read with: its only one, or the one before the change in a gap or overlap. */
    private static ZoneOffset offsetOf(LocalDateTime local, ZoneRules rules) {
        List<ZoneOffset> valid = rules.getValidOffsets(local);
        return valid.size() == 1 ? valid.getFirst() : rules.getTransition(local).getOffsetBefore();
    }

    /**
     * A phase of 1 to 11 days either way, different from change to change, so that the virtual start lands on
     * either side of the change, often outside the window, and the change falls in every position of the rotation. Never 0: a virtual start on the
     * day of the change, at a time the change skips, is an instant whose local time is not the handoff time wanted
     * here ({@code ScheduleRendererTest} covers that case).
     */
    private static int phase(Change change) {
        int p = Math.floorMod(change.instant().getEpochSecond() / 3600, 22) - 11;
        return p >= 0 ? p + 1 : p;
    }

    static Schedule schedule(ZoneId zone, Instant virtualStart, Duration turn) {
        Layer layer = new Layer("PLAYER1", "Layer 1", SWEEP_FROM.minus(Duration.ofDays(400)), null, virtualStart, turn,
                USERS, List.of());
        return new Schedule("PSCHED1", "sweep", zone, List.of(layer));
    }

    private static void addClipped(List<Entry> out, String user, Instant start, Instant end, Instant since,
                                   Instant until) {
        Instant s = start.isBefore(since) ? since : start;
        Instant e = end.isAfter(until) ? until : end;
        if (s.isBefore(e)) {
            out.add(new Entry(user, s, e));
        }
    }

    static List<Entry> cutOut(List<Entry> entries, Instant from, Instant to) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.start().isBefore(from)) {
                out.add(new Entry(e.userId(), e.start(), e.end().isBefore(from) ? e.end() : from));
            }
            if (e.end().isAfter(to)) {
                out.add(new Entry(e.userId(), e.start().isAfter(to) ? e.start() : to, e.end()));
            }
        }
        return out;
    }

    private static void assertContiguous(List<Entry> entries, Instant since, Instant until) {
        assertThat(entries).isNotEmpty();
        assertThat(entries.getFirst().start()).as("no gap at the start").isEqualTo(since);
        assertThat(entries.getLast().end()).as("no gap at the end").isEqualTo(until);
        for (int i = 1; i < entries.size(); i++) {
            assertThat(entries.get(i).start()).as("no gap, no overlap after %s", entries.get(i - 1))
                    .isEqualTo(entries.get(i - 1).end());
        }
    }

    private static void assertRotationOrder(List<Entry> entries) {
        for (int i = 1; i < entries.size(); i++) {
            int previous = USERS.indexOf(entries.get(i - 1).userId());
            assertThat(entries.get(i).userId()).as("the user after %s", entries.get(i - 1).userId())
                    .isEqualTo(USERS.get((previous + 1) % 3));
        }
    }

    private static void assertOnCallAgrees(RenderedSchedule rendered, List<Entry> expected, Change change) {
        List<Instant> probes = new ArrayList<>();
        for (Entry e : expected) {
            probes.add(e.start());
            probes.add(e.end().minusNanos(1));
        }
        Random random = new Random(change.instant().getEpochSecond());
        long span = Duration.between(rendered.since(), rendered.until()).toSeconds();
        for (int i = 0; i < 20; i++) {
            probes.add(rendered.since().plusSeconds((long) (random.nextDouble() * span)));
        }
        for (Instant probe : probes) {
            Optional<String> wanted = expected.stream().filter(e -> e.contains(probe)).map(Entry::userId).findFirst();
            assertThat(rendered.onCallAt(probe)).as("on call at %s", probe).isEqualTo(wanted);
        }
    }
}
