package tocsin.tsdb;

import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@link SketchQuerier} of a {@link SketchStore}: each select reads the sketch blocks of the store's current
 * view and the head from that view's end on.
 *
 * <p>The head drops a range only after the view holding its block has been published, so a head read that ends with
 * the view it started with saw every bucket from that view's end on, and none twice; otherwise the read is redone
 * with the newer view. The view's blocks are retained while they are read, so that a block let go meanwhile (merged,
 * expired) keeps its mapping until the read is done.
 *
 * <p>Thread-safe.
 */
final class SketchReader implements SketchQuerier {
    private final SketchHead head;
    private final Supplier<SketchStore.View> view;
    private final long min;
    private final long max;
    private volatile boolean open = true;

    SketchReader(SketchHead head, Supplier<SketchStore.View> view, long min, long max) {
        this.head = head;
        this.view = view;
        this.min = min;
        this.max = max;
    }

    @Override
    public long minMillis() {
        return min;
    }

    @Override
    public long maxMillis() {
        return max;
    }

    @Override
    public List<SketchSeries> select(String metricName, List<TagMatcher> matchers) {
        requireOpen();
        SketchStore.View v;
        List<SketchSeries> fromHead;
        while (true) {
            v = view.get();
            fromHead = head.select(metricName, matchers, Math.max(min, v.blocksEnd()), max);
            if (v == view.get() && retainAll(v.blocks())) {
                break;
            }
        }
        TreeMap<SeriesKey, List<SketchSeries>> byKey = new TreeMap<>();
        try {
            for (SketchBlock b : v.blocks()) {
                for (SketchSeries s : b.select(metricName, matchers, min, Math.min(max, b.maxTime - 1))) {
                    byKey.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
                }
            }
        } finally {
            v.blocks().forEach(SketchBlock::release);
        }
        for (SketchSeries s : fromHead) {
            byKey.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
        }
        List<SketchSeries> out = new ArrayList<>(byKey.size());
        byKey.forEach((key, parts) -> out.add(SketchSeries.concat(key, parts)));
        return out;
    }

    @Override
    public SortedSet<String> metricNames() {
        requireOpen();
        TreeSet<String> names = new TreeSet<>(head.metricNames());
        for (SketchBlock b : view.get().blocks()) {
            names.addAll(b.metricNames()); // the in-memory index only: valid after the mapping is let go
        }
        return names;
    }

    /** Takes a reader's reference on every block, or none when one was let go already. */
    private static boolean retainAll(List<SketchBlock> blocks) {
        for (int i = 0; i < blocks.size(); i++) {
            if (!blocks.get(i).retain()) {
                for (int j = 0; j < i; j++) {
                    blocks.get(j).release();
                }
                return false;
            }
        }
        return true;
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("the sketch querier is closed");
        }
    }

    @Override
    public void close() {
        open = false;
    }
}
