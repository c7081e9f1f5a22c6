package tocsin.core.metric;

/**
 * How a store lets an intake that sees the same series request after request skip the store's lookup by key.
 *
 * <p>The intake remembers, per series, the store's own instance of the key and an opaque <em>hint</em> (what the
 * store resolved the key to), and hands the hint back with each point ({@link MetricBatch#add(SeriesKey, MetricKind,
 * long, double, Object)}). The store uses a hint only after checking that it still designates the live series of
 * that very key, so a stale or foreign hint costs a lookup, never a wrong append. Nothing outside the store looks
 * inside a hint.
 *
 * <p>Implementations are thread-safe.
 */
public interface SeriesHints {
    /** A store that gives no hints. */
    SeriesHints NONE = new SeriesHints() {
        @Override
        public Object hint(SeriesKey key) {
            return null;
        }

        @Override
        public SeriesKey key(Object hint) {
            throw new IllegalArgumentException("no hints here");
        }

        @Override
        public boolean valid(Object hint) {
            return false;
        }
    };

    /**
     * The hint for the store's series of {@code key} (any instance equal to the store's), or null while the store
     * has none: one lookup by key, which the hint then saves on every later point.
     */
    Object hint(SeriesKey key);

    /** The store's own instance of the key of the series {@code hint} designates. */
    SeriesKey key(Object hint);

    /** Whether {@code hint} still designates a live series; a racy answer is fine (the store checks again). */
    boolean valid(Object hint);
}
