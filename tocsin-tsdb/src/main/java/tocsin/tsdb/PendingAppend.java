package tocsin.tsdb;

import tocsin.core.metric.Rejection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A batch on its way through the WAL: its points already resolved to series and framed as one samples record by the
 * appending thread, waiting for the writer thread to log, sync and apply it. The appender reads {@link #result};
 * everything else belongs to the writer thread once {@link Wal#submit} has taken it.
 */
final class PendingAppend implements Wal.Entry {
    /** The samples record; the writer thread frames it again if it has to drop points before logging. */
    byte[] record;
    final MemSeries[] series;
    final long[] timestamps;
    final double[] values;
    /** For each point of the record, its index in the batch, to name it in a rejection. */
    final int[] pointIndex;
    /** Points in the record: the first {@code count} of each array. */
    int count;
    /** Rejections found before logging (limit, kind, future); the writer adds those found when applying. */
    final List<Refused> refused;
    final CompletableFuture<AppendResult> result = new CompletableFuture<>();
    /** Whom new series of this append are counted against (the batch's), or null; for series made again. */
    tocsin.core.metric.SeriesQuota quota;
    /** Bytes of the WAL's in-flight budget this append holds; set by {@link Wal#submit}. */
    int permits;

    PendingAppend(byte[] record, MemSeries[] series, long[] timestamps, double[] values, int[] pointIndex, int count,
                  List<Refused> refused) {
        this.record = record;
        this.series = series;
        this.timestamps = timestamps;
        this.values = values;
        this.pointIndex = pointIndex;
        this.count = count;
        this.refused = refused;
    }

    /** A rejection and the batch index of its point, to report rejections in batch order. */
    record Refused(int index, Rejection rejection) {
        Refused(int index, String reason, Rejection.Cause cause) {
            this(index, new Rejection(AppendResult.item(index), reason, cause));
        }
    }

    /** The result once every point has been decided. */
    AppendResult toResult(int accepted) {
        return result(accepted, refused);
    }

    /** The result of {@code accepted} points and these refusals, listed in batch order. */
    static AppendResult result(int accepted, List<Refused> refused) {
        if (refused.isEmpty()) {
            return new AppendResult(accepted, List.of());
        }
        refused.sort(Comparator.comparingInt(Refused::index));
        List<Rejection> rejections = new ArrayList<>(refused.size());
        for (Refused r : refused) {
            rejections.add(r.rejection());
        }
        return new AppendResult(accepted, rejections);
    }
}
