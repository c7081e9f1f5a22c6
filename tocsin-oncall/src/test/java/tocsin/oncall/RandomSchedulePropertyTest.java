package tocsin.oncall;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Random schedules (one to four layers in random zones, with and without their own zone, whole-day and fixed turns,
 * daily and weekly restrictions, overlapping overrides) rendered over random windows: the final schedule is sorted,
 * disjoint, inside the window and merged; coverage matches the entries; and at random instants every layer and the
 * final schedule agree with an oracle that works from wall-clock arithmetic and the precedence rules alone.
 */
class RandomSchedulePropertyTest {
    private static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
            "America/Sao_Paulo", "Asia/Kolkata", "Pacific/Auckland", "America/St_Johns");
    private static final List<String> USERS = List.of("PUSER01", "PUSER02", "PUSER03", "PUSER04", "PUSER05");
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final long SPAN_SECONDS = Duration.ofDays(365L * 40).toSeconds();

    record Case(Schedule schedule, Instant since, Instant until, long seed) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Instant> since = Arbitraries.longs().between(0, SPAN_SECONDS).map(EARLIEST::plusSeconds);
        Arbitrary<Duration> window = Arbitraries.longs().between(60, Duration.ofDays(45).toSeconds())
                .map(Duration::ofSeconds);
        Arbitrary<ZoneId> zone = Arbitraries.of(ZONES).map(ZoneId::of);
        return Combinators.combine(since, window, zone, Arbitraries.longs())
                .as((s, w, z, seed) -> build(s, s.plus(w), z, new Random(seed), seed));
    }

    @Property(tries = 400)
    void finalScheduleIsSortedDisjointInsideTheWindowAndAgreesWithTheRules(@ForAll("cases") Case c) {
        RenderedSchedule rendered = ScheduleRenderer.render(c.schedule(), c.since(), c.until());

        assertWellFormed(rendered.finalSchedule(), c.since(), c.until());
        assertWellFormed(rendered.overridesSubschedule(), c.since(), c.until());
        assertThat(rendered.scheduleLayers()).hasSameSizeAs(c.schedule().layers());
        for (int i = 0; i < c.schedule().layers().size(); i++) {
            Layer layer = c.schedule().layers().get(i);
            Subschedule sub = rendered.scheduleLayers().get(i);
            assertWellFormed(sub, c.since(), c.until());
            for (Entry e : sub.renderedScheduleEntries()) {
                assertThat(e.start()).isAfterOrEqualTo(layer.start());
                if (layer.end() != null) {
                    assertThat(e.end()).isBeforeOrEqualTo(layer.end());
                }
                assertThat(layer.userIds()).contains(e.userId());
            }
        }

        Random random = new Random(c.seed());
        List<Instant> probes = new ArrayList<>();
        long span = Duration.between(c.since(), c.until()).toNanos();
        for (int i = 0; i < 40; i++) {
            probes.add(c.since().plusNanos((long) (random.nextDouble() * span)));
        }
        for (Subschedule sub : rendered.scheduleLayers()) {
            for (Entry e : sub.renderedScheduleEntries()) {
                probes.add(e.start());
                probes.add(e.end().minusNanos(1));
            }
        }
        for (Instant t : probes) {
            if (t.isBefore(c.since()) || !t.isBefore(c.until())) {
                continue;
            }
            for (int i = 0; i < c.schedule().layers().size(); i++) {
                Layer layer = c.schedule().layers().get(i);
                Optional<Optional<String>> wanted = layerOracle(layer, layer.zoneIn(c.schedule().timeZone()), t);
                if (wanted.isPresent()) {
                    assertThat(userAt(rendered.scheduleLayers().get(i), t)).as("layer %d at %s", i, t)
                            .isEqualTo(wanted.get());
                }
            }
            assertThat(rendered.onCallAt(t)).as("final schedule at %s", t).isEqualTo(precedenceOracle(c, rendered, t));
        }
    }

    /** Overrides, last created first; then layers, last first; the first that covers {@code t} is on call. */
    private static Optional<String> precedenceOracle(Case c, RenderedSchedule rendered, Instant t) {
        List<ScheduleOverride> overrides = c.schedule().overrides();
        for (int i = overrides.size() - 1; i >= 0; i--) {
            ScheduleOverride o = overrides.get(i);
            if (!t.isBefore(o.start()) && t.isBefore(o.end())) {
                return Optional.of(o.userId());
            }
        }
        for (int i = rendered.scheduleLayers().size() - 1; i >= 0; i--) {
            Optional<String> user = userAt(rendered.scheduleLayers().get(i), t);
            if (user.isPresent()) {
                return user;
            }
        }
        return Optional.empty();
    }

    /**
     * Who a layer puts on call at {@code t} by plain wall-clock arithmetic, or no verdict (outer empty) when an
     * offset change is close enough to {@code t} that wall-clock arithmetic and instants disagree; the DST sweep
     * covers those instants.
     */
    private static Optional<Optional<String>> layerOracle(Layer layer, ZoneId zone, Instant t) {
        if (t.isBefore(layer.start()) || (layer.end() != null && !t.isBefore(layer.end()))) {
            return Optional.of(Optional.empty());
        }
        long turnDays = layer.turnsAreWholeDays() ? layer.turnLength().toDays() : 0;
        Duration margin = Duration.ofDays(Math.max(turnDays, 7) + 2);
        ZoneOffsetTransition next = zone.getRules().nextTransition(t.minus(margin));
        if (next != null && next.getInstant().isBefore(t.plus(margin))) {
            return Optional.empty();
        }
        LocalDateTime local = LocalDateTime.ofInstant(t, zone);
        if (!layer.restrictions().isEmpty() && layer.restrictions().stream().noneMatch(r -> allows(r, local))) {
            return Optional.of(Optional.empty());
        }
        long k;
        if (turnDays > 0) {
            LocalDateTime anchor = LocalDateTime.ofInstant(layer.rotationVirtualStart(), zone);
            long days = ChronoUnit.DAYS.between(anchor.toLocalDate(), local.toLocalDate());
            if (local.toLocalTime().isBefore(anchor.toLocalTime())) {
                days--;
            }
            k = Math.floorDiv(days, turnDays);
        } else {
            Duration since = Duration.between(layer.rotationVirtualStart(), t);
            k = Math.floorDiv(since.getSeconds(), layer.turnLength().toSeconds());
        }
        return Optional.of(Optional.of(layer.userIds().get(Math.floorMod(k, layer.userIds().size()))));
    }

    /** Whether a restriction's window is open at a wall-clock time: seconds since it opened, modulo its period. */
    private static boolean allows(Restriction r, LocalDateTime local) {
        long secondOfDay = local.toLocalTime().toSecondOfDay();
        return switch (r) {
            case Restriction.Daily d -> Math.floorMod(secondOfDay - d.startTimeOfDay().toSecondOfDay(), 86_400)
                    < d.duration().toSeconds();
            case Restriction.Weekly w -> {
                long secondOfWeek = (local.getDayOfWeek().getValue() - 1) * 86_400L + secondOfDay;
                long opens = (w.startDayOfWeek().getValue() - 1) * 86_400L + w.startTimeOfDay().toSecondOfDay();
                yield Math.floorMod(secondOfWeek - opens, 604_800) < w.duration().toSeconds();
            }
        };
    }

    private static Optional<String> userAt(Subschedule sub, Instant t) {
        return sub.renderedScheduleEntries().stream().filter(e -> e.contains(t)).map(Entry::userId).findFirst();
    }

    private static void assertWellFormed(Subschedule sub, Instant since, Instant until) {
        List<Entry> entries = sub.renderedScheduleEntries();
        Duration covered = Duration.ZERO;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            assertThat(e.start()).isAfterOrEqualTo(since).isBefore(e.end());
            assertThat(e.end()).isBeforeOrEqualTo(until);
            if (i > 0) {
                Entry previous = entries.get(i - 1);
                assertThat(e.start()).as("sorted and disjoint").isAfterOrEqualTo(previous.end());
                if (e.start().equals(previous.end())) {
                    assertThat(e.userId()).as("touching entries of one user are merged").isNotEqualTo(previous.userId());
                }
            }
            covered = covered.plus(e.duration());
        }
        assertThat(sub.coveredTime()).isEqualTo(covered);
        Duration window = Duration.between(since, until);
        double exact = 100.0 * covered.toNanos() / window.toNanos();
        double shown = sub.renderedCoveragePercentage();
        // Coverage shows a window with a gap as at most 99.99 and one with any cover as at least 0.01
        double visible = covered.equals(window) || covered.isZero() ? exact : Math.min(99.99, Math.max(0.01, exact));
        assertThat(shown).isCloseTo(visible, within(0.0051));
        assertThat(shown == 100.0).isEqualTo(covered.equals(window));
        assertThat(shown == 0.0).isEqualTo(covered.isZero());
        assertThat(shown * 100).isCloseTo(Math.rint(shown * 100), within(1e-6)); // two decimals at most
    }

    private static Case build(Instant since, Instant until, ZoneId zone, Random random, long seed) {
        int layerCount = 1 + random.nextInt(4);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            layers.add(randomLayer(since, until, random, i));
        }
        List<ScheduleOverride> overrides = new ArrayList<>();
        int overrideCount = random.nextInt(5);
        long window = Duration.between(since, until).toSeconds();
        for (int i = 0; i < overrideCount; i++) {
            Instant start = since.plusSeconds(randomBetween(random, -window / 4, window));
            Instant end = start.plusSeconds(randomBetween(random, 60, Math.max(120, window / 2)));
            overrides.add(new ScheduleOverride("PO" + i, USERS.get(random.nextInt(USERS.size())), start, end));
        }
        return new Case(new Schedule("PRANDOM", "random", zone, layers, overrides), since, until, seed);
    }

    private static Layer randomLayer(Instant since, Instant until, Random random, int index) {
        long window = Duration.between(since, until).toSeconds();
        Instant start = since.plusSeconds(randomBetween(random, -window, window));
        Instant end = random.nextInt(3) == 0 ? start.plusSeconds(randomBetween(random, 3600, 2 * window + 3600)) : null;
        Instant virtualStart = since.plusSeconds(randomBetween(random, -Duration.ofDays(400).toSeconds(),
                Duration.ofDays(400).toSeconds()));
        List<Duration> lengths = List.of(Duration.ofHours(1), Duration.ofHours(8), Duration.ofHours(12),
                Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(7), Duration.ofDays(14),
                Duration.ofSeconds(randomBetween(random, 3600, Duration.ofDays(20).toSeconds())));
        Duration turn = lengths.get(random.nextInt(lengths.size()));
        List<String> users = new ArrayList<>();
        int userCount = 1 + random.nextInt(4);
        for (int i = 0; i < userCount; i++) {
            users.add(USERS.get(random.nextInt(USERS.size())));
        }
        List<Restriction> restrictions = new ArrayList<>();
        int restrictionCount = random.nextInt(4) == 0 ? 0 : random.nextInt(4);
        for (int i = 0; i < restrictionCount; i++) {
            LocalTime opens = LocalTime.ofSecondOfDay(random.nextInt(86_400));
            if (random.nextBoolean()) {
                restrictions.add(new Restriction.Daily(opens, Duration.ofSeconds(1 + random.nextInt(86_400))));
            } else {
                restrictions.add(new Restriction.Weekly(DayOfWeek.of(1 + random.nextInt(7)), opens,
                        Duration.ofSeconds(1 + random.nextInt(604_800))));
            }
        }
        ZoneId own = random.nextInt(3) == 0 ? ZoneId.of(ZONES.get(random.nextInt(ZONES.size()))) : null;
        return new Layer("PL" + index, "Layer " + (index + 1), start, end, virtualStart, turn, users, restrictions, own);
    }

    private static long randomBetween(Random random, long min, long max) {
        return min + (long) (random.nextDouble() * (max - min));
    }
}
