package tocsin.tsdb;

import tocsin.core.metric.Rejection;

import java.util.List;
import java.util.Objects;

/**
 * What became of a batch: how many points were accepted and why the others were not. Each rejection's item is
 * {@code points[i]}, {@code i} being the point's index in the batch, so that the intake can name the point in the
 * payload's own terms; its reason names the series and the rule ({@code out of order: ...},
 * {@code series limit of N reached; ...}). Immutable.
 *
 * @param accepted   points stored (a bit-identical repeat of a stored point counts: retries are idempotent)
 * @param rejections one per refused point, in batch order
 */
public record AppendResult(int accepted, List<Rejection> rejections) {
    static final AppendResult EMPTY = new AppendResult(0, List.of());

    public AppendResult {
        rejections = List.copyOf(Objects.requireNonNull(rejections, "rejections"));
    }

    /** The item of a rejection for point {@code index} of a batch. */
    static String item(int index) {
        return "points[" + index + "]";
    }
}
