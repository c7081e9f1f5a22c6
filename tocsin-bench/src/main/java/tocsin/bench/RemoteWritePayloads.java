package tocsin.bench;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pre-encodes Prometheus remote-write 1.0 requests (snappy-compressed {@code WriteRequest}) for a synthetic fleet,
 * so that every server in a run receives byte-identical requests and encoding costs nothing during measurement.
 *
 * <p>Series: {@code metrics} metric names × hosts, labels {@code job}, {@code instance}, {@code env}, {@code region};
 * values are random walks with two decimals (like CPU percentages), every 15 s. Requests are split into shards by
 * series, as Prometheus does, so that each series' samples arrive in time order over one shard's connection.
 */
final class RemoteWritePayloads {
    static final long STEP_MS = 15_000;

    /** The requests of one shard, in the order they must be sent. */
    record Shard(List<byte[]> requests) {
    }

    static List<Shard> generate(int series, int samplesPerSeries, int shards, int seriesPerRequest, long startMs,
                                long seed) throws IOException {
        return generate("bench_metric_", series, samplesPerSeries, shards, seriesPerRequest, startMs, STEP_MS, seed);
    }

    /**
     * As {@link #generate(int, int, int, int, long, long)}, with metric names starting with {@code prefix} and samples
     * {@code stepMs} apart.
     */
    static List<Shard> generate(String prefix, int series, int samplesPerSeries, int shards, int seriesPerRequest,
                                long startMs, long stepMs, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int metrics = Math.min(10, series);
        double[] value = new double[series];
        byte[][] labels = new byte[series][];
        for (int s = 0; s < series; s++) {
            int host = s / metrics;
            labels[s] = labelFields(new String[]{"__name__", prefix + (s % metrics), "env",
                    host % 3 == 0 ? "prod" : "staging", "instance", "host-" + host + ":9100", "job", "node", "region",
                    "region-" + (host % 8)});
            value[s] = Math.round(random.nextDouble() * 10000) / 100.0;
        }
        List<List<byte[]>> byShard = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            byShard.add(new ArrayList<>());
        }
        for (int t = 0; t < samplesPerSeries; t++) {
            long ts = startMs + t * stepMs;
            for (int shard = 0; shard < shards; shard++) {
                List<Integer> members = new ArrayList<>();
                for (int s = shard; s < series; s += shards) {
                    members.add(s);
                    if (members.size() == seriesPerRequest) {
                        byShard.get(shard).add(encode(members, labels, value, ts, random));
                        members.clear();
                    }
                }
                if (!members.isEmpty()) {
                    byShard.get(shard).add(encode(members, labels, value, ts, random));
                }
            }
        }
        List<Shard> out = new ArrayList<>();
        for (List<byte[]> reqs : byShard) {
            out.add(new Shard(reqs));
        }
        return out;
    }

    /**
     * One snappy-compressed {@code WriteRequest}: each series (its labels as name, value pairs) with one sample at
     * {@code ts}.
     */
    static byte[] request(List<String[]> labels, double[] values, long ts) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream(labels.size() * 160);
        CodedOutputStream out = CodedOutputStream.newInstance(request);
        for (int s = 0; s < labels.size(); s++) {
            writeTimeSeries(out, labelFields(labels.get(s)), values[s], ts);
        }
        out.flush();
        return Snappy.compress(request.toByteArray());
    }

    private static byte[] encode(List<Integer> members, byte[][] labelFields, double[] value, long ts,
                                 SplittableRandom random) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream(members.size() * 160);
        CodedOutputStream out = CodedOutputStream.newInstance(request);
        for (int s : members) {
            double v = Math.max(0, Math.round((value[s] + (random.nextDouble() - 0.5) * 2) * 100) / 100.0);
            value[s] = v;
            writeTimeSeries(out, labelFields[s], v, ts);
        }
        out.flush();
        return Snappy.compress(request.toByteArray());
    }

    /** A {@code TimeSeries}'s {@code labels} fields (name, value pairs), encoded once per series. */
    private static byte[] labelFields(String[] labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes, 256);
        for (int i = 0; i < labels.length; i += 2) {
            out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(CodedOutputStream.computeStringSize(1, labels[i])
                    + CodedOutputStream.computeStringSize(2, labels[i + 1]));
            out.writeString(1, labels[i]);
            out.writeString(2, labels[i + 1]);
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** One {@code WriteRequest.timeseries} entry: the series' label fields and one sample. */
    private static void writeTimeSeries(CodedOutputStream out, byte[] labelFields, double value, long ts)
            throws IOException {
        int sample = CodedOutputStream.computeDoubleSize(1, value) + CodedOutputStream.computeInt64Size(2, ts);
        out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(labelFields.length + 1 + CodedOutputStream.computeUInt32SizeNoTag(sample) + sample);
        out.writeRawBytes(labelFields);
        out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(sample);
        out.writeDouble(1, value);
        out.writeInt64(2, ts);
    }
}
