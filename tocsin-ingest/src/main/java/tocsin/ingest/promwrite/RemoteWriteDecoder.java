package tocsin.ingest.promwrite;

import com.google.protobuf.InvalidProtocolBufferException;
import org.xerial.snappy.Snappy;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.BufferPool;
import tocsin.ingest.IngestException;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;
import tocsin.ingest.PayloadTooLargeException;
import tocsin.ingest.PromMetadata;
import tocsin.ingest.ProtoReader;
import tocsin.ingest.RejectionText;
import tocsin.ingest.SeriesKeyBuilder;
import tocsin.ingest.SeriesKeyCache;
import tocsin.ingest.TimeWindow;

import java.io.IOException;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes a Prometheus remote write 1.0 request body: a snappy block ({@code Content-Encoding: snappy}, part of the
 * protocol, so undone here) holding a protobuf {@code prometheus.WriteRequest}:
 *
 * <pre>
 * WriteRequest   { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
 * TimeSeries     { repeated Label labels = 1; repeated Sample samples = 2;
 *                  repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
 * Label          { string name = 1; string value = 2; }
 * Sample         { double value = 1; int64 timestamp = 2; }   // milliseconds
 * MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
 * </pre>
 *
 * <p>The {@code __name__} label is the metric name; every other label becomes the tag {@code name:value}, kept
 * exactly as sent (no Datadog normalisation: PromQL users query by exact names). Labels with an empty value are
 * absent in Prometheus' data model and are dropped. Label names containing {@code :} are refused, since the first
 * colon separates a tag's key from its value.
 *
 * <p>Kind: {@link MetricKind#COUNTER} when metadata in the same request says the family is a counter (or the series
 * is a histogram's or summary's {@code _bucket}, {@code _count} or {@code _sum}), else when the name ends in
 * {@code _total}, the suffix Prometheus' naming conventions and OpenMetrics require of counters; otherwise
 * {@link MetricKind#GAUGE}. Prometheus sends metadata in separate requests by default, so in practice the suffix
 * decides.
 *
 * <p>Samples: the staleness marker (the NaN with bits {@code 0x7ff0000000000002}) is skipped silently; other NaN
 * and infinite values are rejected, as Tocsin stores finite values only. Exemplars are ignored. Native histograms
 * are not supported yet: each one is rejected with a reason, while the series' float samples are kept.
 *
 * <p>Thread-safe (stateless); each call allocates its own state.
 */
public final class RemoteWriteDecoder {
    /** The staleness marker Prometheus writes when a series disappears. */
    public static final long STALE_NAN_BITS = 0x7ff0000000000002L;
    /** Largest decompressed body accepted by default (Prometheus itself sends a few MiB at most). */
    public static final int DEFAULT_MAX_DECOMPRESSED_BYTES = 64 << 20;

    private static final int REQUEST_TIMESERIES = tag(1, ProtoReader.WIRETYPE_LENGTH_DELIMITED);
    private static final int REQUEST_METADATA = tag(3, ProtoReader.WIRETYPE_LENGTH_DELIMITED);
    private static final int SERIES_LABELS = tag(1, ProtoReader.WIRETYPE_LENGTH_DELIMITED);
    private static final int SERIES_SAMPLES = tag(2, ProtoReader.WIRETYPE_LENGTH_DELIMITED);
    private static final int SERIES_HISTOGRAMS = tag(4, ProtoReader.WIRETYPE_LENGTH_DELIMITED);
    private static final int LABEL_NAME = tag(1, ProtoReader.WIRETYPE_LENGTH_DELIMITED);
    private static final int LABEL_VALUE = tag(2, ProtoReader.WIRETYPE_LENGTH_DELIMITED);
    private static final int SAMPLE_VALUE = tag(1, ProtoReader.WIRETYPE_FIXED64);
    private static final int SAMPLE_TIMESTAMP = tag(2, ProtoReader.WIRETYPE_VARINT);
    private static final int METADATA_TYPE = tag(1, ProtoReader.WIRETYPE_VARINT);
    private static final int METADATA_FAMILY = tag(2, ProtoReader.WIRETYPE_LENGTH_DELIMITED);
    private static final int METADATA_HELP = tag(4, ProtoReader.WIRETYPE_LENGTH_DELIMITED);
    private static final int METADATA_UNIT = tag(5, ProtoReader.WIRETYPE_LENGTH_DELIMITED);
    private static final byte[] SNAPPY_FRAMED_MAGIC = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'};

    // MetricMetadata.MetricType
    private static final int TYPE_COUNTER = 1;
    private static final int TYPE_HISTOGRAM = 3;
    private static final int TYPE_SUMMARY = 5;
    private static final String[] FAMILY_SUFFIXES = {"_bucket", "_count", "_sum", "_total"};

    private final IngestResult.Builder out;
    private final SeriesKeyBuilder keys;
    private final TimeWindow window;
    private final Map<String, Integer> families;
    private final byte[] message;
    /** Made on the first series not found in {@link #seriesCache} (a request of hits only needs none). */
    private LabelCache labelCache;
    private final SeriesKeyCache seriesCache;
    /** This request's series-cache lookups, added to the cache's totals once at the end. */
    private long cacheHits;
    private long cacheMisses;

    // the series being read
    private LabelCache.Entry[] labelEntries = new LabelCache.Entry[16];
    private int labels;
    /** The series' encoded labels, as offsets and lengths in {@link #message}, before they are decoded. */
    private int[] labelOffsets = new int[16];
    private int[] labelLengths = new int[16];
    private int rawLabels;
    private long[] timestamps = new long[16];
    private double[] values = new double[16];
    private int samples;
    private int histograms;
    /** Where the labels of the series being read lie in {@link #message} (see {@link #labelsMatch}). */
    private int identityFrom;
    private int identityTo;
    private final SeriesKeyCache.Probe labelsProbe = this::labelsMatch;

    private RemoteWriteDecoder(IngestLimits limits, TimeWindow window, IngestResult.Builder out,
                               Map<String, Integer> families, byte[] message, SeriesKeyCache seriesCache) {
        this.seriesCache = seriesCache;
        this.out = out;
        this.message = message;
        this.keys = new SeriesKeyBuilder(limits, SeriesKeyBuilder.Rules.VERBATIM);
        this.window = window;
        this.families = families;
    }

    /**
     * Decodes one request body as sent, snappy-compressed, with the default decompressed-size limit.
     *
     * @throws MalformedPayloadException when the body is not a snappy block holding a {@code WriteRequest}; the
     *                                   message gives the byte offset (in the decompressed message) where it broke
     * @throws PayloadTooLargeException  when it would decompress to more than 64 MiB
     */
    public static IngestResult decode(byte[] snappyBody, InstantSource clock, IngestLimits limits)
            throws IngestException {
        return decode(snappyBody, clock, limits, DEFAULT_MAX_DECOMPRESSED_BYTES);
    }

    /** As {@link #decode(byte[], InstantSource, IngestLimits)} with an explicit decompressed-size limit. */
    public static IngestResult decode(byte[] snappyBody, InstantSource clock, IngestLimits limits,
                                      int maxDecompressedBytes) throws IngestException {
        return decode(snappyBody, clock, limits, maxDecompressedBytes, SeriesKeyCache.NONE);
    }

    /**
     * As {@link #decode(byte[], InstantSource, IngestLimits)}, remembering series keys across requests in
     * {@code seriesCache} (one per server, used with the same limits every time).
     */
    public static IngestResult decode(byte[] snappyBody, InstantSource clock, IngestLimits limits,
                                      int maxDecompressedBytes, SeriesKeyCache seriesCache) throws IngestException {
        int length = uncompressedLength(snappyBody, maxDecompressedBytes);
        byte[] message = MESSAGES.take(length);
        try {
            uncompress(snappyBody, message, length);
            return decodeMessage(message, length, clock, limits, seriesCache);
        } finally {
            MESSAGES.give(message); // the points decoded hold no reference into it: every byte kept was copied
        }
    }

    /**
     * Decompressed messages for reuse: a remote-write request of ~2,000 samples decompresses to ~250 KiB that are
     * dead once decoded.
     */
    private static final BufferPool MESSAGES = new BufferPool(2 * Runtime.getRuntime().availableProcessors(),
            4 << 20);

    /** Decodes an already decompressed {@code WriteRequest}. */
    public static IngestResult decodeMessage(byte[] message, InstantSource clock, IngestLimits limits)
            throws IngestException {
        return decodeMessage(message, message.length, clock, limits, SeriesKeyCache.NONE);
    }

    /** Decodes the {@code WriteRequest} in {@code message[0, length)}. */
    private static IngestResult decodeMessage(byte[] message, int length, InstantSource clock, IngestLimits limits,
                                              SeriesKeyCache seriesCache) throws IngestException {
        ProtoReader in = new ProtoReader(message, 0, length);
        try {
            Scan scan = scan(message, length);
            IngestResult.Builder out = IngestResult.builder(Math.max(16, scan.series));
            scan.declared.forEach(out::declare);
            RemoteWriteDecoder d = new RemoteWriteDecoder(limits, limits.window(clock.millis()), out, scan.families,
                    message, seriesCache);
            int index = 0;
            int t;
            while ((t = in.readTag()) != 0) {
                if (t == REQUEST_TIMESERIES) {
                    int outer = in.enter();
                    d.readSeries(in, index++);
                    in.leave(outer);
                } else {
                    in.skipField(t);
                }
            }
            seriesCache.count(d.cacheHits, d.cacheMisses);
            return d.out.build();
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedPayloadException("malformed protobuf WriteRequest at byte " + in.position()
                    + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MalformedPayloadException("unreadable protobuf WriteRequest: " + e.getMessage(), e);
        }
    }

    static byte[] uncompress(byte[] body, int maxDecompressedBytes) throws IngestException {
        int length = uncompressedLength(body, maxDecompressedBytes);
        byte[] out = new byte[length];
        uncompress(body, out, length);
        return out;
    }

    /** The length of the message in snappy block {@code body}, checked against the limit. */
    private static int uncompressedLength(byte[] body, int maxDecompressedBytes) throws IngestException {
        if (body.length == 0) {
            throw new MalformedPayloadException("empty body: expected a snappy-compressed WriteRequest");
        }
        if (body.length >= SNAPPY_FRAMED_MAGIC.length
                && Arrays.equals(body, 0, SNAPPY_FRAMED_MAGIC.length, SNAPPY_FRAMED_MAGIC, 0,
                SNAPPY_FRAMED_MAGIC.length)) {
            throw new MalformedPayloadException("the body is in snappy's framed (stream) format; remote write uses "
                    + "the block format");
        }
        int length;
        try {
            length = Snappy.uncompressedLength(body);
        } catch (IOException e) {
            throw new MalformedPayloadException("malformed snappy block: cannot read its length header", e);
        }
        if (length < 0 || length > maxDecompressedBytes) {
            throw new PayloadTooLargeException("the body decompresses to " + Integer.toUnsignedString(length)
                    + " bytes, more than the limit of " + maxDecompressedBytes + "; send fewer samples per request");
        }
        return length;
    }

    /** Decompresses snappy block {@code body} of {@code length} bytes into {@code out[0, length)}. */
    private static void uncompress(byte[] body, byte[] out, int length) throws IngestException {
        try {
            int n = Snappy.uncompress(body, 0, body.length, out, 0);
            if (n != length) {
                throw new MalformedPayloadException("malformed snappy block: " + n + " bytes instead of " + length);
            }
        } catch (IOException e) {
            throw new MalformedPayloadException("malformed snappy block: " + e.getMessage(), e);
        }
    }

    /**
     * What the first pass learns: the families' types, how many series the request holds, and what its metadata
     * declares (see {@link tocsin.ingest.PromMetadata}).
     */
    private record Scan(Map<String, Integer> families, int series, Map<String, MetricMetadata> declared) {
    }

    /**
     * First pass: the families' types from the request's metadata, which protobuf order puts after the series, and
     * the number of series (each has one sample in what Prometheus sends, so the batch is sized once).
     */
    private static Scan scan(byte[] message, int length) throws IOException {
        ProtoReader in = new ProtoReader(message, 0, length);
        Map<String, Integer> families = Map.of();
        Map<String, MetricMetadata> declared = Map.of();
        int series = 0;
        int t;
        while ((t = in.readTag()) != 0) {
            if (t == REQUEST_TIMESERIES) {
                series++;
            }
            if (t != REQUEST_METADATA) {
                in.skipField(t);
                continue;
            }
            int outer = in.enter();
            int type = 0;
            String family = "";
            String help = null;
            String unit = null;
            int f;
            while ((f = in.readTag()) != 0) {
                if (f == METADATA_TYPE) {
                    type = in.readVarint32();
                } else if (f == METADATA_FAMILY) {
                    family = in.readString();
                } else if (f == METADATA_HELP) {
                    help = in.readString();
                } else if (f == METADATA_UNIT) {
                    unit = in.readString();
                } else {
                    in.skipField(f);
                }
            }
            in.leave(outer);
            if (!family.isEmpty()) {
                if (families.isEmpty()) {
                    families = new HashMap<>();
                    declared = new HashMap<>();
                }
                families.put(family, type);
                declared.putAll(PromMetadata.declarations(family,
                        PromMetadata.typeName(type), help, unit));
            }
        }
        return new Scan(families, series, declared);
    }

    private void readSeries(ProtoReader in, int index) throws IOException {
        labels = 0;
        rawLabels = 0;
        samples = 0;
        histograms = 0;
        int labelsFrom = -1;
        int labelsTo = -1;
        boolean contiguous = true;
        while (true) {
            int at = in.position();
            int t = in.readTag();
            if (t == 0) {
                break;
            }
            if (t == SERIES_SAMPLES) {
                int outer = in.enter();
                readSample(in);
                in.leave(outer);
            } else if (t == SERIES_LABELS) {
                if (labelsFrom < 0) {
                    labelsFrom = at;
                } else if (at != labelsTo) {
                    contiguous = false; // something between two labels: the bytes do not identify the series alone
                }
                skipLabel(in);
                labelsTo = in.position();
            } else if (t == SERIES_HISTOGRAMS) {
                histograms++;
                in.skipField(t);
            } else {
                in.skipField(t);
            }
        }
        boolean cacheable = seriesCache.enabled() && contiguous && rawLabels > 0;
        int hash = cacheable ? LabelCache.hash(message, labelsFrom, labelsTo) : 0;
        identityFrom = labelsFrom;
        identityTo = labelsTo;
        SeriesKeyCache.Entry cached = cacheable ? seriesCache.get(hash, labelsProbe) : null;
        if (cached != null) {
            cacheHits++;
            rejectHistograms(index);
            Object hint = cached.hint();
            SeriesKey key = seriesCache.key(cached, hint);
            addSamples(index, key, families.isEmpty() ? cached.kind() : kindOf(key.name()), hint);
            return;
        }
        cacheMisses += cacheable ? 1 : 0;
        for (int i = 0; i < rawLabels; i++) {
            decodeLabel(labelOffsets[i], labelLengths[i]);
        }
        SeriesKey key = checkedKey(index);
        if (key == null) {
            return;
        }
        Object hint = null;
        if (cacheable) {
            SeriesKeyCache.Entry remembered = seriesCache.admit(hash)
                    ? seriesCache.put(hash, labelsProbe, Arrays.copyOfRange(message, labelsFrom, labelsTo), key,
                            kindByName(key.name()))
                    : seriesCache.unremembered(key, null);
            hint = remembered.hint();
            key = seriesCache.key(remembered, hint);
        }
        addSamples(index, key, kindOf(key.name()), hint);
    }

    /**
     * The series cache's identity of a series is its encoded labels, {@code message[identityFrom, identityTo)} for
     * the series being read.
     */
    private boolean labelsMatch(Object identity) {
        byte[] labels = (byte[]) identity;
        return Arrays.equals(labels, 0, labels.length, message, identityFrom, identityTo);
    }

    /** Notes where a {@code Label} lies and skips it; it is decoded only if the series is not in the cache. */
    private void skipLabel(ProtoReader in) throws IOException {
        int length = in.readLength();
        int from = in.position();
        if (rawLabels == labelOffsets.length) {
            labelOffsets = Arrays.copyOf(labelOffsets, rawLabels * 2);
            labelLengths = Arrays.copyOf(labelLengths, rawLabels * 2);
        }
        labelOffsets[rawLabels] = from;
        labelLengths[rawLabels++] = length;
        in.skipBytes(length);
    }

    /**
     * One {@code Label} at {@code message[from, from + length)}, looked up by its encoded bytes first (the labels a
     * request repeats series after series are decoded once).
     */
    private void decodeLabel(int from, int length) throws IOException {
        if (labelCache == null) {
            labelCache = new LabelCache(4096);
        }
        int hash = LabelCache.hash(message, from, from + length);
        LabelCache.Entry e = labelCache.get(hash, message, from, from + length);
        if (e == null) {
            ProtoReader in = new ProtoReader(message, from, from + length);
            String name = "";
            String value = "";
            int t;
            while ((t = in.readTag()) != 0) {
                if (t == LABEL_NAME) {
                    name = in.readString();
                } else if (t == LABEL_VALUE) {
                    value = in.readString();
                } else {
                    in.skipField(t);
                }
            }
            e = labelCache.put(hash, message, from, from + length, name, value);
        }
        if (labels == labelEntries.length) {
            labelEntries = Arrays.copyOf(labelEntries, labels * 2);
        }
        labelEntries[labels++] = e;
    }

    private void readSample(ProtoReader in) throws IOException {
        double value = 0;
        long timestamp = 0;
        int t;
        while ((t = in.readTag()) != 0) {
            if (t == SAMPLE_VALUE) {
                value = in.readDouble();
            } else if (t == SAMPLE_TIMESTAMP) {
                timestamp = in.readVarint64();
            } else {
                in.skipField(t);
            }
        }
        if (samples == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, samples * 2);
            values = Arrays.copyOf(values, samples * 2);
        }
        timestamps[samples] = timestamp;
        values[samples] = value;
        samples++;
    }

    /** Checks the decoded labels and builds the key; the key, or null when the series is refused (and said so). */
    private SeriesKey checkedKey(int index) {
        rejectHistograms(index);
        if (samples == 0) {
            return null;
        }
        keys.reset();
        String name = null;
        for (int i = 0; i < labels; i++) {
            LabelCache.Entry label = labelEntries[i];
            String ln = label.name();
            if (ln.isEmpty()) {
                reject(index, ".labels[" + i + "]", "label name must not be empty");
                return null;
            }
            // senders sort labels by name, so one comparison with the previous usually proves there is no duplicate
            if (i > 0 && ln.compareTo(labelEntries[i - 1].name()) <= 0) {
                for (int j = 0; j < i; j++) {
                    if (labelEntries[j].name().equals(ln)) {
                        reject(index, ".labels[" + i + "]", "duplicate label name " + RejectionText.quote(ln));
                        return null;
                    }
                }
            }
            if (ln.equals("__name__")) {
                name = label.value();
                keys.name(name, "__name__");
            } else if (ln.indexOf(':') >= 0) {
                reject(index, ".labels[" + i + "]", "label name " + RejectionText.quote(ln)
                        + " contains ':', which separates a tag's key from its value");
                return null;
            } else if (label.tag() != null) {
                keys.tag(label.tag(), "labels", i);
            }
        }
        if (name == null) {
            reject(index, ".labels", "no __name__ label");
            return null;
        }
        SeriesKey key = keys.build();
        if (key == null) {
            reject(index, "." + keys.problemField(), keys.problem());
            return null;
        }
        return key;
    }

    private void rejectHistograms(int index) {
        for (int h = 0; h < histograms; h++) {
            reject(index, ".histograms[" + h + "]", "native histograms are not supported yet"
                    + (samples > 0 ? "; the series' float samples were accepted" : ""));
        }
    }

    private void addSamples(int index, SeriesKey key, MetricKind kind, Object hint) {
        for (int i = 0; i < samples; i++) {
            double v = values[i];
            long ts = timestamps[i];
            if (!Double.isFinite(v)) {
                if (Double.doubleToRawLongBits(v) != STALE_NAN_BITS) {
                    reject(index, ".samples[" + i + "]", "value " + v + " is not a finite number");
                }
            } else if (!window.contains(ts)) {
                reject(index, ".samples[" + i + "]", window.problem(ts, Long.toString(ts))
                        + (Math.abs(ts) < 100_000_000_000L ? " (timestamps are in milliseconds)" : ""));
            } else {
                out.add(key, kind, ts, v, hint);
            }
        }
    }

    /** Rejects {@code timeseries[index]<field>}; builds the item only when it will be listed. */
    private void reject(int index, String field, String reason) {
        if (out.listsMoreRejections()) {
            out.reject("timeseries[" + index + "]" + field, reason);
        } else {
            out.countRejection();
        }
    }

    /** See the class comment: metadata first, then the {@code _total} suffix. */
    MetricKind kindOf(String name) {
        if (!families.isEmpty()) {
            Integer type = families.get(name);
            if (type != null) {
                return type == TYPE_COUNTER ? MetricKind.COUNTER : MetricKind.GAUGE;
            }
            for (String suffix : FAMILY_SUFFIXES) {
                if (name.endsWith(suffix)) {
                    type = families.get(name.substring(0, name.length() - suffix.length()));
                    if (type != null) {
                        return type == TYPE_COUNTER || type == TYPE_HISTOGRAM || type == TYPE_SUMMARY
                                ? MetricKind.COUNTER : MetricKind.GAUGE;
                    }
                }
            }
        }
        return kindByName(name);
    }

    /** The kind a name implies without metadata. */
    static MetricKind kindByName(String name) {
        return name.endsWith("_total") ? MetricKind.COUNTER : MetricKind.GAUGE;
    }

    private static int tag(int field, int wireType) {
        return (field << 3) | wireType;
    }
}
