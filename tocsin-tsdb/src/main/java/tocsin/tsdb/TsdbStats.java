package tocsin.tsdb;

/**
 * The store's state at one moment, for the server to export as its own metrics. Taking one walks the head's series
 * and lists the WAL directory: cheap enough for a scrape every few seconds, not for a hot path. Immutable.
 *
 * @param headSeries           series in memory
 * @param headChunks           compressed chunks in memory, each series' open one included
 * @param headMinTime          a lower bound of the oldest sample in memory (MAX_VALUE when empty)
 * @param headMaxTime          the newest sample appended (MIN_VALUE before the first)
 * @param blocks               on-disk blocks queries read
 * @param blockBytes           their size on disk
 * @param blockSamples         the samples they hold
 * @param walBytes             the size of the WAL's segments and checkpoint
 * @param lastWalSyncNanos     how long the last group commit's fsync took; -1 before the first
 * @param blocksCut            blocks written from the head since the store opened
 * @param compactions          blocks merged into larger ones since the store opened
 * @param checkpoints          WAL checkpoints written since the store opened
 * @param blocksDeleted        blocks deleted (retention, compaction) since the store opened
 * @param seriesRemoved        idle series dropped from memory since the store opened
 * @param corruptChunks        block chunks found unreadable (and left out of results) since the store opened
 * @param openQueriers         queriers not closed yet
 * @param lastMaintenanceError the last failure of block writing, checkpointing, retention or compaction, or null
 */
public record TsdbStats(int headSeries, long headChunks, long headMinTime, long headMaxTime, int blocks,
                        long blockBytes, long blockSamples, long walBytes, long lastWalSyncNanos, long blocksCut,
                        long compactions, long checkpoints, long blocksDeleted, long seriesRemoved,
                        long corruptChunks, int openQueriers, String lastMaintenanceError) {
}
