package tocsin.ingest.datadog;

import tocsin.core.metric.Rejection;
import tocsin.core.metric.SketchBatch;

import java.util.List;
import java.util.Objects;

/**
 * What a distribution request yielded: one sketch per accepted point, and the request's rejections.
 *
 * <p>Immutable except for the batch, which belongs to whoever appends it.
 *
 * @param sketches      the points to append, each the sketch of its values
 * @param rejections    the first {@link tocsin.ingest.IngestResult#MAX_LISTED_REJECTIONS} rejections, with reasons
 * @param rejectedItems how many items were refused in all
 */
public record DistributionResult(SketchBatch sketches, List<Rejection> rejections, int rejectedItems) {
    static final DistributionResult EMPTY = new DistributionResult(new SketchBatch(0), List.of(), 0);

    public DistributionResult {
        Objects.requireNonNull(sketches, "sketches");
        rejections = List.copyOf(rejections);
    }
}
