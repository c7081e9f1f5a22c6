package tocsin.tsdb;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A condition on a series' tags; a {@link Querier} selects the series of one metric that satisfy all of its matchers.
 *
 * <p>Tags follow {@link tocsin.core.metric.SeriesKey}: {@code key:value} split on the first colon, or a bare tag
 * whose key is the whole tag and whose value is empty. A key may carry several values ({@code role:web},
 * {@code role:db}); a matcher on a value holds when <em>any</em> of them matches, and its negation when none does.
 *
 * <p>The Prometheus matchers ({@link Equal}, {@link NotEqual}, {@link Regex}, {@link NotRegex}) keep Prometheus's
 * semantics: a missing key reads as the empty value, so {@code Equal(k, "")} selects series without {@code k} and a
 * regex that matches the empty string also selects them; regexes are anchored at both ends. The Datadog filters are
 * {@link HasTag} ({@code env:prod}, bare {@code canary}), {@link Glob} ({@code host:web-*}) and {@link Not} around
 * either ({@code !env:prod}).
 *
 * <p>Immutable and thread-safe. Constructors reject nulls, empty keys and invalid patterns at once, so a bad query
 * fails where it is built.
 */
public sealed interface TagMatcher {

    /** The series has the tag {@code key:value}; with an empty value, the series lacks {@code key}. */
    record Equal(String key, String value) implements TagMatcher {
        public Equal {
            requireKey(key);
            Objects.requireNonNull(value, "value");
        }
    }

    /** The negation of {@link Equal}: no tag {@code key:value} (or, with an empty value, the key is present). */
    record NotEqual(String key, String value) implements TagMatcher {
        public NotEqual {
            requireKey(key);
            Objects.requireNonNull(value, "value");
        }
    }

    /** Some value of {@code key} fully matches {@code regex}; a missing key counts as the empty value. */
    record Regex(String key, String regex) implements TagMatcher {
        public Regex {
            requireKey(key);
            Pattern.compile(Objects.requireNonNull(regex, "regex")); // fails fast on a bad pattern
        }
    }

    /** The negation of {@link Regex}. */
    record NotRegex(String key, String regex) implements TagMatcher {
        public NotRegex {
            requireKey(key);
            Pattern.compile(Objects.requireNonNull(regex, "regex"));
        }
    }

    /** Some tag has this key ({@code key:anything}, or the bare tag {@code key}). */
    record HasKey(String key) implements TagMatcher {
        public HasKey {
            requireKey(key);
        }
    }

    /** No tag has this key. */
    record MissingKey(String key) implements TagMatcher {
        public MissingKey {
            requireKey(key);
        }
    }

    /** The series carries exactly this tag, {@code key:value} or bare. */
    record HasTag(String tag) implements TagMatcher {
        public HasTag {
            requireKey(tag);
        }
    }

    /**
     * Some whole tag matches a Datadog wildcard pattern: {@code *} stands for any run of characters and {@code ?}
     * for one ({@code host:web-*}, {@code *:prod}, {@code availability-zone:us-east-1?}).
     */
    record Glob(String pattern) implements TagMatcher {
        public Glob {
            requireKey(pattern);
        }

        /** The pattern as an anchored regular expression. */
        Pattern toPattern() {
            StringBuilder regex = new StringBuilder();
            StringBuilder literal = new StringBuilder();
            for (char c : pattern.toCharArray()) {
                if (c == '*' || c == '?') {
                    if (!literal.isEmpty()) {
                        regex.append(Pattern.quote(literal.toString()));
                        literal.setLength(0);
                    }
                    regex.append(c == '*' ? ".*" : ".");
                } else {
                    literal.append(c);
                }
            }
            if (!literal.isEmpty()) {
                regex.append(Pattern.quote(literal.toString()));
            }
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        }

        /** The tag key when the pattern fixes it ({@code host:web-*} → {@code host}), else null. */
        String fixedKey() {
            int colon = pattern.indexOf(':');
            if (colon <= 0) {
                return null;
            }
            String key = pattern.substring(0, colon);
            return key.indexOf('*') < 0 && key.indexOf('?') < 0 ? key : null;
        }
    }

    /** Any matcher, negated: the Datadog {@code !} prefix. */
    record Not(TagMatcher matcher) implements TagMatcher {
        public Not {
            Objects.requireNonNull(matcher, "matcher");
        }
    }

    private static void requireKey(String key) {
        if (Objects.requireNonNull(key, "key").isEmpty()) {
            throw new IllegalArgumentException("tag key must not be empty");
        }
    }
}
