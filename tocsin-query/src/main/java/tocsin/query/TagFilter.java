package tocsin.query;

import tocsin.core.metric.SeriesKey;

import java.util.List;
import java.util.Objects;

/**
 * The scope of a query: which series of a metric it reads, as a tree of tag tests a store can turn into index
 * lookups. Tags are strings in Datadog's form ({@code key:value} or a bare {@code value}), as in {@link SeriesKey}.
 *
 * <ul>
 *   <li>{@link Any}: every series ({@code *}).</li>
 *   <li>{@link Tag}: series carrying exactly this tag ({@code env:prod}, {@code canary}).</li>
 *   <li>{@link Wildcard}: series carrying a tag that matches a pattern in which {@code *} stands for any run of
 *       characters ({@code host:web-*}, {@code service:*-canary}, {@code env:*} for "has an env tag").</li>
 *   <li>{@link Not}, {@link And}, {@link Or}: boolean combinations.</li>
 * </ul>
 *
 * <p>{@link #toString()} is the canonical Datadog scope text: a conjunction of plain terms is comma-joined
 * ({@code env:prod,!host:a}), anything else uses the boolean syntax ({@code env:prod AND (az:a OR az:b)}).
 * Values are immutable and thread-safe.
 */
public sealed interface TagFilter {

    /** Whether a series with this key is in scope. */
    boolean matches(SeriesKey key);

    /** Every series. */
    static TagFilter any() {
        return Any.INSTANCE;
    }

    /** One scope term: {@code *} for every series, a pattern when it contains {@code *}, else an exact tag. */
    static TagFilter term(String text) {
        if (text.equals("*")) {
            return Any.INSTANCE;
        }
        return text.indexOf('*') >= 0 ? new Wildcard(text) : new Tag(text);
    }

    /** Every series. */
    enum Any implements TagFilter {
        INSTANCE;

        @Override
        public boolean matches(SeriesKey key) {
            return true;
        }

        @Override
        public String toString() {
            return render(this, true);
        }
    }

    /** Series carrying exactly this tag. */
    record Tag(String tag) implements TagFilter {
        public Tag {
            Objects.requireNonNull(tag, "tag");
        }

        @Override
        public boolean matches(SeriesKey key) {
            for (int i = 0; i < key.tagCount(); i++) {
                if (key.tag(i).equals(tag)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return tag;
        }
    }

    /** Series carrying a tag that matches this pattern, where {@code *} matches any run of characters. */
    record Wildcard(String pattern) implements TagFilter {
        public Wildcard {
            Objects.requireNonNull(pattern, "pattern");
        }

        @Override
        public boolean matches(SeriesKey key) {
            for (int i = 0; i < key.tagCount(); i++) {
                if (globMatches(pattern, key.tag(i))) {
                    return true;
                }
            }
            return false;
        }

        /** Whether {@code text} matches {@code pattern} as a whole; {@code *} matches any run, even empty. */
        public static boolean globMatches(String pattern, String text) {
            int p = 0;
            int t = 0;
            int star = -1;
            int resume = 0;
            while (t < text.length()) {
                if (p < pattern.length() && pattern.charAt(p) == '*') {
                    star = p++;
                    resume = t;
                } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
                    p++;
                    t++;
                } else if (star >= 0) {
                    p = star + 1;
                    t = ++resume;
                } else {
                    return false;
                }
            }
            while (p < pattern.length() && pattern.charAt(p) == '*') {
                p++;
            }
            return p == pattern.length();
        }

        @Override
        public String toString() {
            return pattern;
        }
    }

    /** Series the inner filter does not select. */
    record Not(TagFilter filter) implements TagFilter {
        public Not {
            Objects.requireNonNull(filter, "filter");
        }

        @Override
        public boolean matches(SeriesKey key) {
            return !filter.matches(key);
        }

        @Override
        public String toString() {
            return render(this, true);
        }
    }

    /** Series every inner filter selects. */
    record And(List<TagFilter> filters) implements TagFilter {
        public And {
            filters = List.copyOf(filters);
        }

        @Override
        public boolean matches(SeriesKey key) {
            for (TagFilter f : filters) {
                if (!f.matches(key)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return render(this, true);
        }
    }

    /** Series at least one inner filter selects. */
    record Or(List<TagFilter> filters) implements TagFilter {
        public Or {
            filters = List.copyOf(filters);
        }

        @Override
        public boolean matches(SeriesKey key) {
            for (TagFilter f : filters) {
                if (f.matches(key)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return render(this, true);
        }
    }

    private static boolean isTerm(TagFilter f) {
        return f instanceof Tag || f instanceof Wildcard || f instanceof Any;
    }

    /**
     * Datadog scope text. Only a top-level conjunction of terms and negated terms may use the comma syntax: Datadog
     * refuses commas and {@code !} mixed with {@code AND}/{@code OR}/{@code NOT}, so everything else is boolean.
     */
    private static String render(TagFilter f, boolean top) {
        return switch (f) {
            case Any a -> "*";
            case Tag t -> t.tag();
            case Wildcard w -> w.pattern();
            case Not n -> top && isTerm(n.filter()) ? "!" + n.filter() : "NOT " + operand(n.filter());
            case And a -> {
                boolean commas = top && a.filters().stream().allMatch(
                        x -> isTerm(x) || (x instanceof Not n && isTerm(n.filter())));
                StringBuilder sb = new StringBuilder();
                for (TagFilter x : a.filters()) {
                    sb.append(sb.isEmpty() ? "" : commas ? "," : " AND ")
                            .append(commas ? render(x, true) : x instanceof Or ? "(" + render(x, false) + ")"
                                    : render(x, false));
                }
                yield sb.toString();
            }
            case Or o -> {
                StringBuilder sb = new StringBuilder();
                for (TagFilter x : o.filters()) {
                    sb.append(sb.isEmpty() ? "" : " OR ").append(x instanceof And ? "(" + render(x, false) + ")"
                            : render(x, false));
                }
                yield sb.toString();
            }
        };
    }

    private static String operand(TagFilter f) {
        return isTerm(f) || f instanceof Not ? render(f, false) : "(" + render(f, false) + ")";
    }
}
