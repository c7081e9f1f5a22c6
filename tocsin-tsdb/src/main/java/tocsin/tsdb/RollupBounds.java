package tocsin.tsdb;

/**
 * Which end of a rollup bucket holds a sample lying exactly on it ({@code docs/format/block-rollups.md}): Datadog's
 * rollup intervals are {@code [start, start + resolution)}, PromQL's range windows {@code (end - range, end]}, so a
 * sample exactly on a boundary (regular scrapes put one there every bucket) belongs to different buckets in the two.
 */
public enum RollupBounds {
    /** {@code [start, start + resolution)}: Datadog's rollups, and what format version 1 stores. */
    START_INCLUSIVE,
    /** {@code (start, start + resolution]}: PromQL's windows ending on a bucket end are whole buckets. */
    END_INCLUSIVE;

    /** The start of the bucket of resolution {@code r} that holds time {@code t}. */
    long align(long t, long r) {
        return this == START_INCLUSIVE ? Math.floorDiv(t, r) * r : Math.floorDiv(t - 1, r) * r;
    }
}
