package tocsin.tsdb;

import org.roaringbitmap.FastAggregation;
import org.roaringbitmap.RoaringBitmap;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An inverted index as {@link TagMatcher}s see it: the series ids of a metric name, of a whole tag, and the tags of a
 * tag key. The head's {@link PostingsIndex} and each block's {@link BlockIndex} implement it, so that
 * {@link #select} gives matchers one meaning everywhere. Bitmaps handed out are only read, never modified.
 */
interface TermIndex {

    /** The ids of the series of {@code metric}; empty when there are none. */
    RoaringBitmap metric(String metric);

    /** The ids of the series carrying exactly {@code tag}; empty when there are none. */
    RoaringBitmap tag(String tag);

    /** The whole tags whose key is {@code key}: the bare tag {@code key} and every {@code key:value}. */
    List<String> tagsWithKey(String key);

    /** Every whole tag. */
    Iterable<String> tags();

    /** The series of {@code metric} that satisfy every matcher, as a new bitmap. */
    default RoaringBitmap select(String metric, List<TagMatcher> matchers) {
        RoaringBitmap candidates = metric(metric).clone();
        for (TagMatcher matcher : matchers) {
            if (candidates.isEmpty()) {
                break;
            }
            candidates = matching(candidates, matcher);
        }
        return candidates;
    }

    /** {@code candidates} ∩ the series matching {@code matcher}, as a new bitmap. */
    private RoaringBitmap matching(RoaringBitmap candidates, TagMatcher matcher) {
        return switch (matcher) {
            case TagMatcher.Equal(String key, String value) -> value.isEmpty()
                    ? RoaringBitmap.andNot(candidates, withKey(key))
                    : RoaringBitmap.and(candidates, tag(key + ":" + value));
            case TagMatcher.NotEqual(String key, String value) -> value.isEmpty()
                    ? RoaringBitmap.and(candidates, withKey(key))
                    : RoaringBitmap.andNot(candidates, tag(key + ":" + value));
            case TagMatcher.Regex(String key, String regex) -> RoaringBitmap.and(candidates,
                    withValueMatching(candidates, key, Pattern.compile(regex)));
            case TagMatcher.NotRegex(String key, String regex) -> RoaringBitmap.andNot(candidates,
                    withValueMatching(candidates, key, Pattern.compile(regex)));
            case TagMatcher.HasKey(String key) -> RoaringBitmap.and(candidates, withKey(key));
            case TagMatcher.MissingKey(String key) -> RoaringBitmap.andNot(candidates, withKey(key));
            case TagMatcher.HasTag(String tag) -> RoaringBitmap.and(candidates, tag(tag));
            case TagMatcher.Glob glob -> RoaringBitmap.and(candidates, withTagMatching(glob));
            case TagMatcher.Not(TagMatcher inner) -> RoaringBitmap.andNot(candidates, matching(candidates, inner));
        };
    }

    private RoaringBitmap withKey(String key) {
        List<RoaringBitmap> all = new ArrayList<>();
        for (String tag : tagsWithKey(key)) {
            all.add(tag(tag));
        }
        return FastAggregation.or(all.iterator());
    }

    private RoaringBitmap withValueMatching(RoaringBitmap candidates, String key, Pattern pattern) {
        List<RoaringBitmap> hits = new ArrayList<>();
        for (String tag : tagsWithKey(key)) {
            if (pattern.matcher(SeriesKey.tagValueOf(tag)).matches()) {
                hits.add(tag(tag));
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
        Iterable<String> scope = key != null ? tagsWithKey(key) : tags();
        List<RoaringBitmap> hits = new ArrayList<>();
        for (String tag : scope) {
            if (pattern.matcher(tag).matches()) {
                hits.add(tag(tag));
            }
        }
        return FastAggregation.or(hits.iterator());
    }
}
