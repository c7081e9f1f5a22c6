package tocsin.tsdb;

import org.roaringbitmap.RoaringBitmap;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;

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
    /** Tag key → its tags' postings; a set, so that dropping one of a key's 100,000 values is not a linear scan. */
    private final Map<String, Set<Postings>> tagsByKey = new HashMap<>();

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
                    tagsByKey.computeIfAbsent(SeriesKey.tagKey(tag), k -> new HashSet<>(2)).add(p);
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
            return terms.select(metric, matchers);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Forgets a series: its id leaves every postings list, and terms no series carries any more are dropped. */
    void remove(int id, SeriesKey key) {
        lock.writeLock().lock();
        try {
            Postings metric = metrics.get(key.name());
            if (metric != null && metric.ids.checkedRemove(id) && metric.ids.isEmpty()) {
                metrics.remove(key.name());
            }
            for (int i = 0; i < key.tagCount(); i++) {
                String tag = key.tag(i);
                Postings p = tags.get(tag);
                if (p != null && p.ids.checkedRemove(id) && p.ids.isEmpty()) {
                    tags.remove(tag);
                    String tagKey = SeriesKey.tagKey(tag);
                    Set<Postings> list = tagsByKey.get(tagKey);
                    list.remove(p);
                    if (list.isEmpty()) {
                        tagsByKey.remove(tagKey);
                    }
                }
            }
        } finally {
            lock.writeLock().unlock();
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
                for (Postings p : tagsByKey.getOrDefault(key, Set.of())) {
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

    /** The index seen through {@link TermIndex}; only used under the read lock. */
    private final TermIndex terms = new TermIndex() {
        @Override
        public RoaringBitmap metric(String metric) {
            Postings p = metrics.get(metric);
            return p == null ? new RoaringBitmap() : p.ids;
        }

        @Override
        public RoaringBitmap tag(String tag) {
            Postings p = tags.get(tag);
            return p == null ? new RoaringBitmap() : p.ids;
        }

        @Override
        public List<String> tagsWithKey(String key) {
            Set<Postings> list = tagsByKey.getOrDefault(key, Set.of());
            List<String> out = new ArrayList<>(list.size());
            for (Postings p : list) {
                out.add(p.term);
            }
            return out;
        }

        @Override
        public Iterable<String> tags() {
            return tags.keySet();
        }
    };
}
