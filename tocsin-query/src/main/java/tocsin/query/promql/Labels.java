package tocsin.query.promql;

import tocsin.core.metric.SeriesKey;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Prometheus label set: names mapped to non-empty values, sorted by name, the metric name being the label
 * {@code __name__}. Prometheus treats an empty value as an absent label, so {@link Builder#set} with an empty value
 * removes the label.
 *
 * <p>A Tocsin series is a {@link SeriesKey}; {@link #of(SeriesKey)} reads it as Prometheus would: the metric name
 * becomes {@code __name__} and each {@code key:value} tag the label {@code key="value"}. Datadog allows what
 * Prometheus cannot say, and the reading decides: a bare tag ({@code canary}) has no value and is not a label; a key
 * with several values ({@code role:db}, {@code role:web}) keeps the first in sort order.
 *
 * <p>Immutable and thread-safe; the hash is computed once. Ordered as Prometheus orders label sets: label by label,
 * name then value, a prefix first.
 */
public final class Labels implements Comparable<Labels> {
    /** The label holding the metric name. */
    public static final String METRIC_NAME = "__name__";
    public static final Labels EMPTY = new Labels(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;
    private final int hash;

    private Labels(String[] names, String[] values) {
        this.names = names;
        this.values = values;
        this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
    }

    /** Labels from alternating names and values: {@code of("__name__", "up", "job", "api")}. */
    public static Labels of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate");
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.set(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    /** Labels from a map; empty values are left out. */
    public static Labels of(Map<String, String> map) {
        Builder b = builder();
        map.forEach(b::set);
        return b.build();
    }

    /** A series key as Prometheus labels; see the class comment for the tags Prometheus cannot express. */
    public static Labels of(SeriesKey key) {
        // Every series of a query goes through here: sorted arrays built by insertion (a key's tags come sorted as
        // "name:value" strings, so nearly in label-name order already), not a map per series.
        int n = key.tagCount();
        String[] names = new String[n + 1];
        String[] values = new String[n + 1];
        names[0] = METRIC_NAME;
        values[0] = key.name();
        int size = 1;
        for (int i = 0; i < n; i++) {
            String tag = key.tag(i);
            int colon = tag.indexOf(':');
            if (colon <= 0 || colon == tag.length() - 1) {
                continue;
            }
            String name = tag.substring(0, colon);
            int at = size;
            int c = 1;
            while (at > 0 && (c = names[at - 1].compareTo(name)) > 0) {
                at--;
            }
            if (at > 0 && c == 0) {
                continue; // the key's first value for this name wins, and __name__ is always the metric's
            }
            System.arraycopy(names, at, names, at + 1, size - at);
            System.arraycopy(values, at, values, at + 1, size - at);
            names[at] = name;
            values[at] = tag.substring(colon + 1);
            size++;
        }
        return new Labels(size == names.length ? names : Arrays.copyOf(names, size),
                size == values.length ? values : Arrays.copyOf(values, size));
    }

    private static Labels fromSorted(TreeMap<String, String> map) {
        if (map.isEmpty()) {
            return EMPTY;
        }
        return new Labels(map.keySet().toArray(String[]::new), map.values().toArray(String[]::new));
    }

    public static Builder builder() {
        return new Builder(EMPTY);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public int size() {
        return names.length;
    }

    public boolean isEmpty() {
        return names.length == 0;
    }

    public String name(int i) {
        return names[i];
    }

    public String value(int i) {
        return values[i];
    }

    /** The value of a label, or the empty string when absent, as Prometheus matchers see it. */
    public String get(String name) {
        int i = Arrays.binarySearch(names, name);
        return i >= 0 ? values[i] : "";
    }

    public boolean has(String name) {
        return Arrays.binarySearch(names, name) >= 0;
    }

    /** The metric name, or the empty string. */
    public String metricName() {
        return get(METRIC_NAME);
    }

    /** These labels without {@code __name__}. */
    public Labels withoutMetricName() {
        return has(METRIC_NAME) ? toBuilder().remove(METRIC_NAME).build() : this;
    }

    /** Only the labels named, in this set's order. */
    public Labels keep(Collection<String> keep) {
        Builder b = builder();
        for (int i = 0; i < names.length; i++) {
            if (keep.contains(names[i])) {
                b.set(names[i], values[i]);
            }
        }
        return b.build();
    }

    /** These labels without the ones named. */
    public Labels drop(Collection<String> drop) {
        Builder b = toBuilder();
        for (String n : drop) {
            b.remove(n);
        }
        return b.build();
    }

    /** The labels as an ordered map. */
    public Map<String, String> toMap() {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            out.put(names[i], values[i]);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Labels l && hash == l.hash && Arrays.equals(names, l.names)
                && Arrays.equals(values, l.values));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Labels o) {
        int n = Math.min(names.length, o.names.length);
        for (int i = 0; i < n; i++) {
            int c = names[i].compareTo(o.names[i]);
            if (c != 0) {
                return c;
            }
            c = values[i].compareTo(o.values[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(names.length, o.names.length);
    }

    /** Prometheus's notation: {@code {__name__="up", job="api"}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append('=');
            GoFormat.quote(sb, values[i]);
        }
        return sb.append('}').toString();
    }

    /** Builds label sets; not thread-safe. */
    public static final class Builder {
        private final TreeMap<String, String> map = new TreeMap<>();

        private Builder(Labels from) {
            for (int i = 0; i < from.names.length; i++) {
                map.put(from.names[i], from.values[i]);
            }
        }

        /** Sets a label; an empty value removes it. */
        public Builder set(String name, String value) {
            Objects.requireNonNull(name, "name");
            if (value == null || value.isEmpty()) {
                map.remove(name);
            } else {
                map.put(name, value);
            }
            return this;
        }

        public Builder remove(String name) {
            map.remove(name);
            return this;
        }

        public Labels build() {
            return fromSorted(map);
        }
    }
}
