package tocsin.bench;

import com.google.protobuf.CodedOutputStream;
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
        return generate("bench_metric_", series, samplesPerSeries, shards, seriesPerRequest, startMs, seed);
    }

    /** As {@link #generate(int, int, int, int, long, long)}, with metric names starting with {@code prefix}. */
    static List<Shard> generate(String prefix, int series, int samplesPerSeries, int shards, int seriesPerRequest,
                                long startMs, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int metrics = Math.min(10, series);
        double[] value = new double[series];
        String[][] labels = new String[series][];
        for (int s = 0; s < series; s++) {
            int host = s / metrics;
            labels[s] = new String[]{"__name__", prefix + (s % metrics), "env", host % 3 == 0 ? "prod" : "staging",
                    "instance", "host-" + host + ":9100", "job", "node", "region", "region-" + (host % 8)};
            value[s] = Math.round(random.nextDouble() * 10000) / 100.0;
        }
        List<List<byte[]>> byShard = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            byShard.add(new ArrayList<>());
        }
        for (int t = 0; t < samplesPerSeries; t++) {
            long ts = startMs + t * STEP_MS;
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
            out.writeByteArray(1, timeSeries(labels.get(s), values[s], ts));
        }
        out.flush();
        return Snappy.compress(request.toByteArray());
    }

    private static byte[] encode(List<Integer> members, String[][] labels, double[] value, long ts,
                                 SplittableRandom random) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream(members.size() * 160);
        CodedOutputStream out = CodedOutputStream.newInstance(request);
        for (int s : members) {
            double v = Math.max(0, Math.round((value[s] + (random.nextDouble() - 0.5) * 2) * 100) / 100.0);
            value[s] = v;
            byte[] series = timeSeries(labels[s], v, ts);
            out.writeByteArray(1, series);
        }
        out.flush();
        return Snappy.compress(request.toByteArray());
    }

    private static byte[] timeSeries(String[] labels, double value, long ts) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (int i = 0; i < labels.length; i += 2) {
            ByteArrayOutputStream label = new ByteArrayOutputStream(40);
            CodedOutputStream l = CodedOutputStream.newInstance(label);
            l.writeString(1, labels[i]);
            l.writeString(2, labels[i + 1]);
            l.flush();
            out.writeByteArray(1, label.toByteArray());
        }
        ByteArrayOutputStream sample = new ByteArrayOutputStream(20);
        CodedOutputStream smp = CodedOutputStream.newInstance(sample);
        smp.writeDouble(1, value);
        smp.writeInt64(2, ts);
        smp.flush();
        out.writeByteArray(2, sample.toByteArray());
        out.flush();
        return bytes.toByteArray();
    }
}
