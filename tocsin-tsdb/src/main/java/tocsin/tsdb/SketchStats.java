package tocsin.tsdb;

/**
 * The state of the store's distribution sketches at one moment ({@link Tsdb#sketchStats()}), for the server's own
 * metrics. Taking one walks the sketch head and lists the sketch log: fine for a scrape. Immutable.
 *
 * @param headSeries           distribution series with sketches in memory
 * @param blocks               sketch blocks queries read
 * @param blockBytes           their size on disk
 * @param logBytes             the size of the sketch log's segments and checkpoint
 * @param cuts                 ranges cut from memory into blocks since the store opened
 * @param compactions          sketch blocks merged into larger ones since the store opened
 * @param blocksDeleted        sketch blocks deleted by retention since the store opened
 * @param corruptRecords       series records of blocks found unreadable (and left out of results)
 * @param lastMaintenanceError the last failure of cutting, compaction or retention, or null
 */
public record SketchStats(int headSeries, int blocks, long blockBytes, long logBytes, long cuts, long compactions,
                          long blocksDeleted, long corruptRecords, String lastMaintenanceError) {
}
