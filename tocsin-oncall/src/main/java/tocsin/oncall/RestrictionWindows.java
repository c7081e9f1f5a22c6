package tocsin.oncall;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The instants a layer's restrictions let it be on call, and the clipping of its turns to them. Each window opens
 * at a local date-time and closes {@code duration} of wall-clock time later, both made instants by
 * {@link WallClock}; the windows of all restrictions are unioned. Stateless, thread-safe.
 */
final class RestrictionWindows {

    /** A stretch of time {@code [start, end)}; {@code end} after {@code start}. */
    record Span(Instant start, Instant end) {
    }

    private RestrictionWindows() {
    }

    /** The windows of {@code restrictions} in {@code zone} within {@code [from, to)}: sorted, disjoint, not touching. */
    static List<Span> allowed(List<Restriction> restrictions, ZoneId zone, Instant from, Instant to) {
        LocalDate firstDay = WallClock.localOf(from, zone).toLocalDate();
        LocalDate lastDay = WallClock.localOf(to, zone).toLocalDate();
        List<Span> spans = new ArrayList<>();
        for (Restriction restriction : restrictions) {
            // A window opened up to its own length before `from` may still be open at `from`; one more day covers
            // the hour or so that an offset change can move local dates against instants.
            LocalDate day = firstDay.minusDays(restriction.duration().toDays() + 1);
            switch (restriction) {
                case Restriction.Daily daily -> {
                    for (; !day.isAfter(lastDay); day = day.plusDays(1)) {
                        addWindow(spans, day.atTime(daily.startTimeOfDay()), daily.duration(), zone, from, to);
                    }
                }
                case Restriction.Weekly weekly -> {
                    day = day.with(TemporalAdjusters.nextOrSame(weekly.startDayOfWeek()));
                    for (; !day.isAfter(lastDay); day = day.plusWeeks(1)) {
                        addWindow(spans, day.atTime(weekly.startTimeOfDay()), weekly.duration(), zone, from, to);
                    }
                }
            }
        }
        spans.sort(Comparator.comparing(Span::start));
        return union(spans);
    }

    /** The parts of {@code turns} (sorted, disjoint) that lie inside {@code allowed} (sorted, disjoint). */
    static List<Entry> clip(List<Entry> turns, List<Span> allowed) {
        List<Entry> out = new ArrayList<>();
        int w = 0;
        for (Entry turn : turns) {
            while (w < allowed.size() && !allowed.get(w).end().isAfter(turn.start())) {
                w++;
            }
            for (int i = w; i < allowed.size() && allowed.get(i).start().isBefore(turn.end()); i++) {
                Span window = allowed.get(i);
                Instant start = max(turn.start(), window.start());
                Instant end = min(turn.end(), window.end());
                if (start.isBefore(end)) {
                    out.add(new Entry(turn.userId(), start, end));
                }
            }
        }
        return out;
    }

    private static void addWindow(List<Span> spans, LocalDateTime opens, Duration duration, ZoneId zone,
                                  Instant from, Instant to) {
        Instant start = max(WallClock.instantOf(opens, zone), from);
        Instant end = min(WallClock.instantOf(opens.plus(duration), zone), to);
        if (start.isBefore(end)) {
            spans.add(new Span(start, end));
        }
    }

    private static List<Span> union(List<Span> sorted) {
        List<Span> out = new ArrayList<>(sorted.size());
        for (Span span : sorted) {
            if (!out.isEmpty() && !span.start().isAfter(out.getLast().end())) {
                Span last = out.removeLast();
                out.add(new Span(last.start(), max(last.end(), span.end())));
            } else {
                out.add(span);
            }
        }
        return out;
    }

    static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
