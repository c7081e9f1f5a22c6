package tocsin.tsdb;

import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

/**
 * The inverted index of the head: metric name → series ids, tag → series ids, tag key → its tags; each id set a
 * {@link RoaringBitmap}. It is also the head's string table: a series' key is rebuilt from the index's own copies of
 * its name and tags, so {@code env:prod} is held once however many series carry it.
 *
 * <p>Thread-safe behind a read-write lock. Writers are series creations only (appends to existing series never come
 * here); readers evaluate matchers into a fresh bitmap and leave.
 */
final class PostingsIndex {

    /** A term (metric name or whole tag) and the ids of the series that carry it. */
    private static final class Postings {
        final String term;
        final RoaringBitmap ids = new RoaringBitmap();

        Postings(String term) {
            this.term = term;
        }
    }

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Postings> metrics = new HashMap<>();
    private final Map<String, Postings> tags = new HashMap<>();
    private final Map<String, List<Postings>> tagsByKey = new HashMap<>();

    /** Indexes a new series and returns its key built from the index's shared strings. */
    SeriesKey add(int id, SeriesKey key) {
        String name;
        String[] shared = new String[key.tagCount()];
        lock.writeLock().lock();
        try {
            Postings metric = metrics.computeIfAbsent(key.name(), Postings::new);
            metric.ids.add(id);
            name = metric.term;
            for (int i = 0; i < shared.length; i++) {
                String tag = key.tag(i);
                Postings p = tags.get(tag);
                if (p == null) {
                    p = new Postings(tag);
                    tags.put(tag, p);
                    tagsByKey.computeIfAbsent(SeriesKey.tagKey(tag), k -> new ArrayList<>(1)).add(p);
                }
                p.ids.add(id);
                shared[i] = p.term;
            }
        } finally {
            lock.writeLock().unlock();
        }
        return SeriesKey.of(name, shared);
    }

    /** The ids of the series of {@code metric} that satisfy every matcher. */
    RoaringBitmap select(String metric, List<TagMatcher> matchers) {
        lock.readLock().lock();
        try {
            Postings m = metrics.get(metric);
            if (m == null) {
                return new RoaringBitmap();
            }
            RoaringBitmap candidates = m.ids.clone();
            for (TagMatcher matcher : matchers) {
                if (candidates.isEmpty()) {
                    break;
                }
                candidates = matching(candidates, matcher);
            }
            return candidates;
        } finally {
            lock.readLock().unlock();
        }
    }

    SortedSet<String> metricNames() {
        lock.readLock().lock();
        try {
            return Collections.unmodifiableSortedSet(new TreeSet<>(metrics.keySet()));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The tag keys of the series of {@code metric}, bare tags included (their key is the whole tag). */
    SortedSet<String> tagKeys(String metric) {
        lock.readLock().lock();
        try {
            TreeSet<String> keys = new TreeSet<>();
            Postings m = metrics.get(metric);
            if (m != null) {
                tagsByKey.forEach((key, list) -> {
                    for (Postings p : list) {
                        if (RoaringBitmap.intersects(p.ids, m.ids)) {
                            keys.add(key);
                            return;
                        }
                    }
                });
            }
            return Collections.unmodifiableSortedSet(keys);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The values {@code key} takes on the series of {@code metric}; a bare tag contributes the empty value. */
    SortedSet<String> tagValues(String metric, String key) {
        lock.readLock().lock();
        try {
            TreeSet<String> values = new TreeSet<>();
            Postings m = metrics.get(metric);
            if (m != null) {
                for (Postings p : tagsByKey.getOrDefault(key, List.of())) {
                    if (RoaringBitmap.intersects(p.ids, m.ids)) {
                        values.add(SeriesKey.tagValueOf(p.term));
                    }
                }
            }
            return Collections.unmodifiableSortedSet(values);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** {@code candidates} ∩ the series matching {@code matcher}, as a new bitmap. Holds the read lock. */
    private RoaringBitmap matching(RoaringBitmap candidates, TagMatcher matcher) {
        return switch (matcher) {
            case TagMatcher.Equal(String key, String value) -> value.isEmpty()
                    ? RoaringBitmap.andNot(candidates, withKey(key))
                    : RoaringBitmap.and(candidates, withTag(key + ":" + value));
            case TagMatcher.NotEqual(String key, String value) -> value.isEmpty()
                    ? RoaringBitmap.and(candidates, withKey(key))
                    : RoaringBitmap.andNot(candidates, withTag(key + ":" + value));
            case TagMatcher.Regex(String key, String regex) -> RoaringBitmap.and(candidates,
                    withValueMatching(candidates, key, Pattern.compile(regex)));
            case TagMatcher.NotRegex(String key, String regex) -> RoaringBitmap.andNot(candidates,
                    withValueMatching(candidates, key, Pattern.compile(regex)));
            case TagMatcher.HasKey(String key) -> RoaringBitmap.and(candidates, withKey(key));
            case TagMatcher.MissingKey(String key) -> RoaringBitmap.andNot(candidates, withKey(key));
            case TagMatcher.HasTag(String tag) -> RoaringBitmap.and(candidates, withTag(tag));
            case TagMatcher.Glob glob -> RoaringBitmap.and(candidates, withTagMatching(glob));
            case TagMatcher.Not(TagMatcher inner) -> RoaringBitmap.andNot(candidates, matching(candidates, inner));
        };
    }

    private RoaringBitmap withTag(String tag) {
        Postings p = tags.get(tag);
        return p == null ? new RoaringBitmap() : p.ids;
    }

    private RoaringBitmap withKey(String key) {
        List<Postings> list = tagsByKey.getOrDefault(key, List.of());
        return FastAggregation.or(list.stream().map(p -> p.ids).iterator());
    }

    private RoaringBitmap withValueMatching(RoaringBitmap candidates, String key, Pattern pattern) {
        List<RoaringBitmap> hits = new ArrayList<>();
        for (Postings p : tagsByKey.getOrDefault(key, List.of())) {
            if (pattern.matcher(SeriesKey.tagValueOf(p.term)).matches()) {
                hits.add(p.ids);
            }
        }
        if (pattern.matcher("").matches()) { // Prometheus: a missing key reads as ""
            hits.add(RoaringBitmap.andNot(candidates, withKey(key)));
        }
        return FastAggregation.or(hits.iterator());
    }

    private RoaringBitmap withTagMatching(TagMatcher.Glob glob) {
        Pattern pattern = glob.toPattern();
        String key = glob.fixedKey();
        Iterable<Postings> scope = key != null ? tagsByKey.getOrDefault(key, List.of()) : tags.values();
        List<RoaringBitmap> hits = new ArrayList<>();
        for (Postings p : scope) {
            if (pattern.matcher(p.term).matches()) {
                hits.add(p.ids);
            }
        }
        return FastAggregation.or(hits.iterator());
    }
}
