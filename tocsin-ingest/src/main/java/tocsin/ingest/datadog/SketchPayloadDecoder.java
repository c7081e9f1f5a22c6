package tocsin.ingest.datadog;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.core.metric.SketchBatch;
import tocsin.ingest.IngestException;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.MalformedPayloadException;

import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the Datadog Agent's {@code POST /api/beta/sketches} body: the protobuf {@code SketchPayload} of
 * DataDog/agent-payload {@code proto/metrics/agent_payload.proto}, decoded by hand with {@link CodedInputStream}
 * (unknown fields skipped), into one {@link Sketch} per {@code Dogsketch}.
 *
 * <p>A {@code Dogsketch} carries the Agent's own sketch ({@code pkg/quantile}): keys {@code k} and counts {@code n},
 * key {@code k > 0} standing for the value {@code γ^(k − bias)} with {@code γ = 1 + 2/128} and
 * {@code bias = 1 − floor(log_γ(1e-9))}, {@code −k} for its negative, 0 for zero and ±32767 for ±infinity; beside
 * them the exact {@code cnt}, {@code sum}, {@code min}, {@code max}. Each key's value is added to a Tocsin sketch
 * with its count (keys ±32767 as the exact max and min), and the exact summary is kept, so count, sum, min and max
 * stay exact and a quantile is within the two mappings' accuracies (about 1/64) of the true one. {@code host}
 * becomes the tag {@code host:<host>}; names and tags are normalised per {@link tocsin.ingest.DatadogNames}.
 *
 * <p>Refused per {@code Dogsketch}, naming it ({@code sketches[0].dogsketches[2]}): a time outside the window,
 * {@code k} and {@code n} of different lengths, counts that do not add up to {@code cnt}, no values, a non-finite or
 * inverted min/max. The legacy {@code distributions} field (the Agent's GK sketches, before Agent 6.4) is refused as
 * unsupported.
 *
 * <p>Thread-safe (stateless); each call allocates its own state.
 */
public final class SketchPayloadDecoder {
    private static final int PAYLOAD_SKETCHES = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SKETCH_METRIC = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SKETCH_HOST = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SKETCH_DISTRIBUTIONS = tag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SKETCH_TAGS = tag(4, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int SKETCH_DOGSKETCHES = tag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int DOG_TS = tag(1, WireFormat.WIRETYPE_VARINT);
    private static final int DOG_CNT = tag(2, WireFormat.WIRETYPE_VARINT);
    private static final int DOG_MIN = tag(3, WireFormat.WIRETYPE_FIXED64);
    private static final int DOG_MAX = tag(4, WireFormat.WIRETYPE_FIXED64);
    private static final int DOG_SUM = tag(6, WireFormat.WIRETYPE_FIXED64);
    private static final int DOG_K_PACKED = tag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int DOG_K = tag(7, WireFormat.WIRETYPE_VARINT);
    private static final int DOG_N_PACKED = tag(8, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int DOG_N = tag(8, WireFormat.WIRETYPE_VARINT);

    /** The Agent's key for ±infinity ({@code uvinf}). */
    static final int INFINITE_KEY = (1 << 15) - 1;
    private static final double AGENT_GAMMA = 1 + 2.0 / 128;
    private static final double AGENT_GAMMA_LN = Math.log1p(2.0 / 128);
    private static final int AGENT_BIAS = 1 - (int) Math.floor(Math.log(1e-9) / AGENT_GAMMA_LN);

    private final SeriesReader series;
    private final SketchBatch sketches = new SketchBatch();
    private final List<Pending> pending = new ArrayList<>();

    /** A dogsketch that passed its checks, waiting for its series' key. */
    private record Pending(long millis, Sketch sketch) {
    }

    private SketchPayloadDecoder(SeriesReader series) {
        this.series = series;
    }

    /** The value the Agent's key {@code k} stands for (the lower bound of its bin); ±infinity for ±32767. */
    static double agentValue(int k) {
        if (k == 0) {
            return 0;
        }
        if (Math.abs(k) >= INFINITE_KEY) {
            return k > 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        double v = Math.pow(AGENT_GAMMA, Math.abs(k) - AGENT_BIAS);
        return k > 0 ? v : -v;
    }

    /**
     * Decodes one body, already stripped of its HTTP content encoding. An empty body is an empty payload.
     *
     * @throws MalformedPayloadException when the body is not a {@code SketchPayload}; the message gives the byte
     *                                   offset where decoding broke
     */
    public static DistributionResult decode(byte[] body, InstantSource clock, IngestLimits limits)
            throws IngestException {
        IngestResult.Builder out = IngestResult.builder(0);
        SketchPayloadDecoder d = new SketchPayloadDecoder(
                new SeriesReader(limits, limits.window(clock.millis()), out, "sketches"));
        CodedInputStream in = CodedInputStream.newInstance(body);
        try {
            int index = 0;
            int t;
            while ((t = in.readTag()) != 0) {
                if (t == PAYLOAD_SKETCHES) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    d.readSketch(in, index++);
                    in.popLimit(limit);
                } else if (!in.skipField(t)) {
                    throw new InvalidProtocolBufferException("unexpected end-group tag");
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedPayloadException("malformed protobuf SketchPayload at byte " + in.getTotalBytesRead()
                    + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MalformedPayloadException("unreadable protobuf SketchPayload: " + e.getMessage(), e);
        }
        IngestResult rejections = out.build();
        return new DistributionResult(d.sketches, rejections.rejections(), rejections.rejectedItems());
    }

    private void readSketch(CodedInputStream in, int index) throws IOException {
        series.begin(index);
        pending.clear();
        int tags = 0;
        int dog = 0;
        int legacy = 0;
        int t;
        while ((t = in.readTag()) != 0) {
            if (t == SKETCH_METRIC) {
                series.keys().name(in.readString(), "metric");
            } else if (t == SKETCH_HOST) {
                String host = in.readString();
                if (!host.isEmpty()) {
                    series.keys().tag("host:" + host, "host", -1);
                }
            } else if (t == SKETCH_TAGS) {
                series.keys().tag(in.readString(), "tags", tags++);
            } else if (t == SKETCH_DOGSKETCHES) {
                int limit = in.pushLimit(in.readRawVarint32());
                readDogsketch(in, dog++);
                in.popLimit(limit);
            } else if (t == SKETCH_DISTRIBUTIONS) {
                in.skipField(t);
                int n = legacy++;
                series.pointProblem("distributions[" + n + "]", () -> "the legacy GK distribution format is not "
                        + "supported; Agents since 6.4 send dogsketches");
            } else if (!in.skipField(t)) {
                throw new InvalidProtocolBufferException("unexpected end-group tag");
            }
        }
        SeriesKey key = series.endKey(null);
        if (key != null) {
            for (Pending p : pending) {
                sketches.add(key, p.millis(), p.sketch());
            }
        }
    }

    private void readDogsketch(CodedInputStream in, int j) throws IOException {
        long seconds = 0;
        long cnt = 0;
        double min = 0;
        double max = 0;
        double sum = 0;
        List<Integer> keys = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        int t;
        while ((t = in.readTag()) != 0) {
            if (t == DOG_TS) {
                seconds = in.readInt64();
            } else if (t == DOG_CNT) {
                cnt = in.readInt64();
            } else if (t == DOG_MIN) {
                min = in.readDouble();
            } else if (t == DOG_MAX) {
                max = in.readDouble();
            } else if (t == DOG_SUM) {
                sum = in.readDouble();
            } else if (t == DOG_K) {
                keys.add(in.readSInt32());
            } else if (t == DOG_N) {
                counts.add(Integer.toUnsignedLong(in.readUInt32()));
            } else if (t == DOG_K_PACKED || t == DOG_N_PACKED) {
                int limit = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) {
                    if (t == DOG_K_PACKED) {
                        keys.add(in.readSInt32());
                    } else {
                        counts.add(Integer.toUnsignedLong(in.readUInt32()));
                    }
                }
                in.popLimit(limit);
            } else if (!in.skipField(t)) {
                throw new InvalidProtocolBufferException("unexpected end-group tag");
            }
        }
        String item = "dogsketches[" + j + "]";
        long millis = Math.abs(seconds) < Long.MAX_VALUE / 1000 ? seconds * 1000 : JsonReading.INVALID_TIME;
        if (millis == JsonReading.INVALID_TIME || !series.window().contains(millis)) {
            long s = seconds;
            series.pointProblem(item, () -> JsonReading.timeProblem(millis, Long.toString(s), series.window()));
            return;
        }
        String problem = problem(keys, counts, cnt, sum, min, max);
        if (problem != null) {
            series.pointProblem(item, () -> problem);
            return;
        }
        Sketch.Builder b = Sketch.builder();
        for (int i = 0; i < keys.size(); i++) {
            long n = counts.get(i);
            if (n > 0) {
                int k = keys.get(i);
                double v = Math.abs(k) >= INFINITE_KEY ? (k > 0 ? max : min) : agentValue(k);
                b.add(v, n);
            }
        }
        pending.add(new Pending(millis, b.build(sum, min, max)));
    }

    private static String problem(List<Integer> keys, List<Long> counts, long cnt, double sum, double min,
                                  double max) {
        if (keys.size() != counts.size()) {
            return "k has " + keys.size() + " keys and n " + counts.size() + " counts; they must pair up";
        }
        long total = 0;
        for (int i = 0; i < keys.size(); i++) {
            if (Math.abs(keys.get(i)) > INFINITE_KEY) {
                return "key " + keys.get(i) + " is outside the Agent's range of ±" + INFINITE_KEY;
            }
            total += counts.get(i);
        }
        if (total == 0) {
            return "no values (the counts n add up to 0)";
        }
        if (total != cnt) {
            return "the counts n add up to " + total + " but cnt is " + cnt;
        }
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            return "min " + min + " and max " + max + " are not a finite range";
        }
        if (!Double.isFinite(sum)) {
            return "sum " + sum + " is not a finite number";
        }
        return null;
    }

    private static int tag(int field, int wireType) {
        return (field << 3) | wireType;
    }
}
