package tocsin.core.metric;

import java.util.Objects;

/**
 * Who asks a store for the new series of a batch, and how many live series they may have created: a cardinality
 * limit per sender (an API key), on top of the store's own limits. A store attributes each series to the quota it was
 * created under, for as long as it keeps the series in memory, so one sender's runaway tag cannot spend the budget
 * every other sender shares. Immutable.
 *
 * @param owner     a stable identifier of the sender (an API key's id); at most {@value #MAX_OWNER_LENGTH} characters
 * @param label     how a person knows the sender (the key's name), for refusals
 * @param maxSeries the most live series this sender may have created; 0 for no limit (counted all the same)
 */
public record SeriesQuota(String owner, String label, int maxSeries) {
    public static final int MAX_OWNER_LENGTH = 200;

    public SeriesQuota {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(label, "label");
        if (owner.isEmpty() || owner.length() > MAX_OWNER_LENGTH) {
            throw new IllegalArgumentException("owner must be 1 to " + MAX_OWNER_LENGTH + " characters: " + owner);
        }
        if (maxSeries < 0) {
            throw new IllegalArgumentException("maxSeries must be 0 (no limit) or more: " + maxSeries);
        }
    }
}
