package tocsin.core.metric;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity of a time series: a metric name and a set of tags. Two keys with the same name and the same tags in
 * any order are equal; duplicate tags collapse.
 *
 * <p>Tags are strings in Datadog's form, {@code key:value} or a bare {@code value}; a Prometheus label
 * {@code name="value"} becomes the tag {@code name:value}. Datadog allows a key to appear with several values
 * ({@code role:web}, {@code role:db}), so tags are a set of strings, not a map. The split is on the first colon.
 *
 * <p>Immutable and thread-safe; the hash is computed once. Validation of names and tags is the job of each intake
 * protocol, which knows its own rules; this class only refuses null and empty names.
 */
public final class SeriesKey implements Comparable<SeriesKey> {
    private static final String[] NO_TAGS = new String[0];

    private final String name;
    private final String[] tags;
    private final int hash;

    private SeriesKey(String name, String[] sortedUniqueTags) {
        this.name = name;
        this.tags = sortedUniqueTags;
        this.hash = 31 * name.hashCode() + Arrays.hashCode(sortedUniqueTags);
    }

    /** A key from a name and tags in any order, possibly with duplicates. */
    public static SeriesKey of(String name, Collection<String> tags) {
        return of(name, tags.toArray(String[]::new));
    }

    /** A key from a name and tags in any order, possibly with duplicates. The array is not kept. */
    public static SeriesKey of(String name, String... tags) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("metric name must not be empty");
        }
        if (tags.length == 0) {
            return new SeriesKey(name, NO_TAGS);
        }
        String[] sorted = tags.clone();
        for (String t : sorted) {
            Objects.requireNonNull(t, "tag");
        }
        Arrays.sort(sorted);
        int unique = 1;
        for (int i = 1; i < sorted.length; i++) {
            if (!sorted[i].equals(sorted[unique - 1])) {
                sorted[unique++] = sorted[i];
            }
        }
        return new SeriesKey(name, unique == sorted.length ? sorted : Arrays.copyOf(sorted, unique));
    }

    public String name() {
        return name;
    }

    /** The tags, sorted and unique. */
    public List<String> tags() {
        return List.of(tags);
    }

    public int tagCount() {
        return tags.length;
    }

    public String tag(int i) {
        return tags[i];
    }

    /** The value of the first tag with this key ({@code key:value}), if any. */
    public Optional<String> tagValue(String key) {
        for (String t : tags) {
            if (t.length() > key.length() && t.charAt(key.length()) == ':' && t.startsWith(key)) {
                return Optional.of(t.substring(key.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** The key part of a tag: up to the first colon, or the whole tag when it has none. */
    public static String tagKey(String tag) {
        int c = tag.indexOf(':');
        return c < 0 ? tag : tag.substring(0, c);
    }

    /** The value part of a tag: after the first colon, or empty when it has none. */
    public static String tagValueOf(String tag) {
        int c = tag.indexOf(':');
        return c < 0 ? "" : tag.substring(c + 1);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof SeriesKey k && hash == k.hash && name.equals(k.name)
                && Arrays.equals(tags, k.tags));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(SeriesKey o) {
        int c = name.compareTo(o.name);
        return c != 0 ? c : Arrays.compare(tags, o.tags);
    }

    /** Datadog's query notation: {@code name{tag1,tag2}}. */
    @Override
    public String toString() {
        return name + "{" + String.join(",", tags) + "}";
    }
}
