package tocsin.ingest;

import tocsin.core.metric.SeriesKey;

import java.util.Arrays;

/**
 * Builds the {@link SeriesKey} of one series from a name and tags as sent, applying the protocol's name rules and
 * checking the {@link IngestLimits}. Decoders reuse one builder for every series of a request: {@link #reset()},
 * feed the fields in any order, then {@link #build()}.
 *
 * <p>When the series breaks a rule, {@link #build()} returns null and {@link #problemField()} and
 * {@link #problem()} say which field and why ({@code tags[3]}, {@code is 250 characters long, more than the limit
 * of 200}); the decoder prefixes its own item path.
 *
 * <p>Not thread-safe: one builder per decoding thread.
 */
public final class SeriesKeyBuilder {

    /** How names and tags are treated. */
    public enum Rules {
        /** Datadog and DogStatsD: names and tags normalised per {@link DatadogNames}; empty tags dropped. */
        DATADOG,
        /** Prometheus: names and tags kept exactly as sent. */
        VERBATIM
    }

    private final IngestLimits limits;
    private final Rules rules;
    private String name;
    private String nameField = "metric";
    private String[] tags = new String[16];
    private String[] tagFields = new String[16];
    private int[] tagIndexes = new int[16];
    private int tagCount;
    private String problemField;
    private String problem;

    /** Keys built before from the same parts, across requests; {@link SeriesKeyCache#NONE} for none. */
    private final SeriesKeyCache cache;
    private final SeriesKeyCache.Probe partsProbe = this::partsMatch;
    /** The store's hint for the last key built, when it came from {@link #cache}. */
    private Object hint;
    private long cacheHits;
    private long cacheMisses;

    public SeriesKeyBuilder(IngestLimits limits, Rules rules) {
        this(limits, rules, SeriesKeyCache.NONE);
    }

    /**
     * A builder that first looks the parts as sent (the name, then the tags in the order given) up in {@code cache},
     * which must be used with these limits and rules only: the same parts always build the same key.
     */
    public SeriesKeyBuilder(IngestLimits limits, Rules rules, SeriesKeyCache cache) {
        this.limits = limits;
        this.rules = rules;
        this.cache = cache;
    }

    public SeriesKeyBuilder reset() {
        name = null;
        Arrays.fill(tags, 0, tagCount, null);
        tagCount = 0;
        problemField = null;
        problem = null;
        return this;
    }

    /** The metric name as sent, and the field it came from (named in a rejection). */
    public SeriesKeyBuilder name(String rawName, String field) {
        this.name = rawName;
        this.nameField = field;
        return this;
    }

    /**
     * A tag as sent.
     *
     * @param field the field it came from, named in a rejection ({@code tags}, {@code host})
     * @param index its index in that field, or -1 when the field is not an array
     */
    public SeriesKeyBuilder tag(String rawTag, String field, int index) {
        if (tagCount == tags.length) {
            int n = tagCount * 2;
            tags = Arrays.copyOf(tags, n);
            tagFields = Arrays.copyOf(tagFields, n);
            tagIndexes = Arrays.copyOf(tagIndexes, n);
        }
        tags[tagCount] = rawTag;
        tagFields[tagCount] = field;
        tagIndexes[tagCount] = index;
        tagCount++;
        return this;
    }

    /**
     * The key, or null when the series breaks a rule (see {@link #problem()}). With a cache, parts seen before give
     * the key built from them then (the store's instance once the store has the series, see {@link #hint()}).
     */
    public SeriesKey build() {
        hint = null;
        if (!cache.enabled() || name == null) {
            return buildKey();
        }
        int hash = partsHash();
        SeriesKeyCache.Entry e = cache.get(hash, partsProbe);
        if (e != null) {
            cacheHits++;
            Object h = e.hint();
            hint = h;
            return cache.key(e, h);
        }
        cacheMisses++;
        SeriesKey key = buildKey();
        if (key == null) {
            return null;
        }
        SeriesKeyCache.Entry remembered;
        String identity;
        if (cache.admit(hash) && (identity = flatParts()) != null) {
            remembered = cache.put(hash, partsProbe, identity, key, null);
        } else {
            remembered = cache.unremembered(key, null);
        }
        hint = remembered.hint();
        return cache.key(remembered, hint);
    }

    /** The store's hint for the key the last {@link #build()} returned (see {@link SeriesKeyCache}), or null. */
    public Object hint() {
        return hint;
    }

    /** Adds this builder's cache lookups to the cache's totals; once per request. */
    public void countCacheLookups() {
        cache.count(cacheHits, cacheMisses);
        cacheHits = 0;
        cacheMisses = 0;
    }

    private int partsHash() {
        int h = name.hashCode();
        for (int i = 0; i < tagCount; i++) {
            h = 31 * h + tags[i].hashCode();
        }
        h ^= h >>> 16; // spread the high bits into the set index
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }

    /**
     * The cache's identity of a series: its name and tags as sent, in that order, in one string, each part preceded
     * by its length as one char (so no part's content can be taken for a boundary); null if a part is longer than a
     * char can count (such a series is not remembered). One string, made right before its cache entry, rather than
     * the parser's strings: a hit then compares against one array next to the entry instead of chasing two objects
     * per part across the heap (with 10,000 series remembered, those pointer chases were most of a hit's cost).
     */
    private String flatParts() {
        int length = name.length() + 1;
        for (int i = 0; i < tagCount; i++) {
            length += tags[i].length() + 1;
        }
        StringBuilder flat = new StringBuilder(length);
        if (!appendPart(flat, name)) {
            return null;
        }
        for (int i = 0; i < tagCount; i++) {
            if (!appendPart(flat, tags[i])) {
                return null;
            }
        }
        return flat.toString();
    }

    private static boolean appendPart(StringBuilder flat, String part) {
        if (part.length() > Character.MAX_VALUE) {
            return false;
        }
        flat.append((char) part.length()).append(part);
        return true;
    }

    /** Whether the series being built has the parts of {@code identity} (see {@link #flatParts()}). */
    private boolean partsMatch(Object identity) {
        String flat = (String) identity;
        int at = matchPart(flat, 0, name);
        for (int i = 0; i < tagCount && at >= 0; i++) {
            at = matchPart(flat, at, tags[i]);
        }
        return at == flat.length();
    }

    /** The index after {@code part} if {@code flat} holds it at {@code at}, else -1. */
    private static int matchPart(String flat, int at, String part) {
        int n = part.length();
        if (at >= flat.length() || flat.charAt(at) != n || !flat.regionMatches(at + 1, part, 0, n)) {
            return -1;
        }
        return at + 1 + n;
    }

    private SeriesKey buildKey() {
        if (name == null) {
            return fail(nameField, "is missing");
        }
        String n = name;
        if (n.isEmpty()) {
            return fail(nameField, "must not be empty");
        }
        if (rules == Rules.DATADOG) {
            n = DatadogNames.normalizeMetricName(n);
            if (n.isEmpty()) {
                return fail(nameField, RejectionText.quote(name) + " has no ASCII letter to start a metric name with");
            }
        }
        if (tooLong(n, limits.maxNameLength())) {
            return fail(nameField, RejectionText.quote(n) + " is " + n.codePointCount(0, n.length())
                    + " characters long, more than the limit of " + limits.maxNameLength());
        }
        String[] normal = new String[tagCount];
        int kept = 0;
        for (int i = 0; i < tagCount; i++) {
            String t = rules == Rules.DATADOG ? DatadogNames.normalizeTag(tags[i]) : tags[i];
            if (t.isEmpty()) {
                continue;
            }
            if (tooLong(t, limits.maxTagLength())) {
                String field = tagIndexes[i] < 0 ? tagFields[i] : tagFields[i] + "[" + tagIndexes[i] + "]";
                return fail(field, RejectionText.quote(t) + " is " + t.codePointCount(0, t.length())
                        + " characters long, more than the limit of " + limits.maxTagLength());
            }
            normal[kept++] = t;
        }
        SeriesKey key = SeriesKey.of(n, kept == normal.length ? normal : Arrays.copyOf(normal, kept));
        if (key.tagCount() > limits.maxTagsPerSeries()) {
            return fail("tags", "has " + key.tagCount() + " distinct tags, more than the limit of "
                    + limits.maxTagsPerSeries());
        }
        return key;
    }

    /** The field that broke a rule in the last {@link #build()}, relative to the series. */
    public String problemField() {
        return problemField;
    }

    /** Why the last {@link #build()} returned null. */
    public String problem() {
        return problem;
    }

    /** Checks a name on its own, e.g. a metric name with a suffix appended; null when fine. */
    public String nameProblem(String normalName) {
        return tooLong(normalName, limits.maxNameLength())
                ? RejectionText.quote(normalName) + " is " + normalName.codePointCount(0, normalName.length())
                + " characters long, more than the limit of " + limits.maxNameLength()
                : null;
    }

    private SeriesKey fail(String field, String why) {
        problemField = field;
        problem = why;
        return null;
    }

    private static boolean tooLong(String s, int max) {
        return s.length() > max && s.codePointCount(0, s.length()) > max;
    }
}
