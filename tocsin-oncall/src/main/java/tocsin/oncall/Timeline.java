package tocsin.oncall;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Entries painted over each other: a later {@link #paint} replaces whatever lay under it, so painting layers from
 * lowest to highest precedence and overrides last leaves the final schedule. Invariant: the entries held are
 * disjoint and keyed by start. Each paint costs O(log n) plus the entries it removes. Not thread-safe; one per
 * rendering.
 */
final class Timeline {
    private final NavigableMap<Instant, Entry> byStart = new TreeMap<>();

    /** Puts {@code entry} on top: from its start to its end, it is who is on call. */
    void paint(Entry entry) {
        Map.Entry<Instant, Entry> before = byStart.lowerEntry(entry.start());
        if (before != null && before.getValue().end().isAfter(entry.start())) {
            Entry under = before.getValue();
            byStart.put(under.start(), new Entry(under.userId(), under.start(), entry.start()));
            if (under.end().isAfter(entry.end())) {
                byStart.put(entry.end(), new Entry(under.userId(), entry.end(), under.end()));
            }
        }
        NavigableMap<Instant, Entry> covered = byStart.subMap(entry.start(), true, entry.end(), false);
        if (!covered.isEmpty()) {
            Entry last = covered.lastEntry().getValue();
            covered.clear();
            if (last.end().isAfter(entry.end())) {
                byStart.put(entry.end(), new Entry(last.userId(), entry.end(), last.end()));
            }
        }
        byStart.put(entry.start(), entry);
    }

    /** The entries, sorted, with touching entries of the same user merged into one. */
    List<Entry> entries() {
        return merged(byStart.values());
    }

    /** {@code sorted} disjoint entries with each run of touching entries of one user merged. */
    static List<Entry> merged(Iterable<Entry> sorted) {
        List<Entry> out = new ArrayList<>();
        for (Entry entry : sorted) {
            if (!out.isEmpty()) {
                Entry last = out.getLast();
                if (last.end().equals(entry.start()) && last.userId().equals(entry.userId())) {
                    out.set(out.size() - 1, new Entry(last.userId(), last.start(), entry.end()));
                    continue;
                }
            }
            out.add(entry);
        }
        return out;
    }
}
