package tocsin.ingest.datadog;

import tocsin.ingest.IngestResult;

import java.util.List;
import java.util.Objects;

/**
 * What a distribution request yielded: the per-point summary series ({@code .count .sum .min .max .avg}) with the
 * request's rejections, and the raw values behind them for the sketch stage to come.
 *
 * <p>Immutable except for the summaries' batch, which belongs to whoever appends it.
 *
 * @param summaries the summary points to append, and the rejections
 * @param raw       one entry per accepted distribution point, in payload order
 */
public record DistributionResult(IngestResult summaries, List<DistributionPoint> raw) {
    public DistributionResult {
        Objects.requireNonNull(summaries, "summaries");
        raw = List.copyOf(raw);
    }
}
