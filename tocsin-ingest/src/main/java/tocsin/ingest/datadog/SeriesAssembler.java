package tocsin.ingest.datadog;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.SeriesKeyBuilder;
import tocsin.ingest.TimeWindow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects one series at a time while its JSON or protobuf fields stream past in any order, then emits its points
 * under one shared {@link SeriesKey}. Points wait in primitive arrays (no boxing) until the series' name, tags and
 * type are known. Point problems are held back too: when the series as a whole is refused, only that is reported.
 *
 * <p>Not thread-safe: one per request.
 */
final class SeriesAssembler {
    private final IngestResult.Builder out;
    private final SeriesKeyBuilder keys;
    private final TimeWindow window;
    private final String arrayName;

    private int index;
    private MetricKind kind;
    private String seriesProblemField;
    private String seriesProblem;
    private long[] timestamps = new long[64];
    private double[] values = new double[64];
    private int points;
    private final List<String> problemItems = new ArrayList<>();
    private final List<String> problemReasons = new ArrayList<>();
    private int uncountedProblems;

    SeriesAssembler(IngestLimits limits, TimeWindow window, IngestResult.Builder out, String arrayName) {
        this.out = out;
        this.keys = new SeriesKeyBuilder(limits, SeriesKeyBuilder.Rules.DATADOG);
        this.window = window;
        this.arrayName = arrayName;
    }

    TimeWindow window() {
        return window;
    }

    void begin(int seriesIndex) {
        index = seriesIndex;
        kind = MetricKind.GAUGE;
        keys.reset();
        seriesProblemField = null;
        seriesProblem = null;
        points = 0;
        problemItems.clear();
        problemReasons.clear();
        uncountedProblems = 0;
    }

    SeriesKeyBuilder keys() {
        return keys;
    }

    void kind(MetricKind k) {
        kind = k;
    }

    /** The series as a whole is refused; the first problem is the one reported. */
    void seriesProblem(String field, String reason) {
        if (seriesProblem == null) {
            seriesProblemField = field;
            seriesProblem = reason;
        }
    }

    boolean hasSeriesProblem() {
        return seriesProblem != null;
    }

    void point(long timestampMillis, double value) {
        if (points == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, points * 2);
            values = Arrays.copyOf(values, points * 2);
        }
        timestamps[points] = timestampMillis;
        values[points] = value;
        points++;
    }

    /** Whether a point problem would still be listed; when not, call {@link #countPointProblem()}. */
    boolean listsPointProblems() {
        return out.rejectedItems() + problemItems.size() < IngestResult.MAX_LISTED_REJECTIONS;
    }

    /** One point is refused; {@code item} is relative to the series ({@code points[1]}). */
    void pointProblem(String item, String reason) {
        problemItems.add(item);
        problemReasons.add(reason);
    }

    void countPointProblem() {
        uncountedProblems++;
    }

    /** Emits the series' accepted points and its rejections. */
    void end() {
        if (seriesProblem != null) {
            out.reject(item(seriesProblemField), seriesProblem);
            return;
        }
        SeriesKey key = keys.build();
        if (key == null) {
            out.reject(item(keys.problemField()), keys.problem());
            return;
        }
        for (int i = 0; i < problemItems.size(); i++) {
            out.reject(item(problemItems.get(i)), problemReasons.get(i));
        }
        for (int i = 0; i < uncountedProblems; i++) {
            out.countRejection();
        }
        for (int i = 0; i < points; i++) {
            out.add(key, kind, timestamps[i], values[i]);
        }
    }

    private String item(String field) {
        return arrayName + "[" + index + "]." + field;
    }
}
