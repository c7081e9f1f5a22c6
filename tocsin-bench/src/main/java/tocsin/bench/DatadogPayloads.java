package tocsin.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Pre-encodes Datadog series submissions for the same synthetic fleet as {@link RemoteWritePayloads} (metric names
 * with dots, tags {@code env}, {@code region}, the host as Datadog's host field), in either API version, so that
 * every server in a run receives the same points: v1 ({@code [[ts, value]]} with {@code "host"}) or v2 (point
 * objects, the integer type enum, the host as a resource). Values are the same random walks with two decimals, from
 * the same seed, in both versions.
 */
final class DatadogPayloads {
    private DatadogPayloads() {
    }

    static List<RemoteWritePayloads.Shard> generate(int series, int samplesPerSeries, int shards, int seriesPerRequest,
                                                    long startMs, long seed, boolean v2) {
        return generate("bench.metric.", series, samplesPerSeries, shards, seriesPerRequest, startMs,
                RemoteWritePayloads.STEP_MS, seed, v2);
    }

    /**
     * As {@link #generate(int, int, int, int, long, long, boolean)}, with metric names starting with {@code prefix} and
     * points {@code stepMs} apart (whole seconds).
     */
    static List<RemoteWritePayloads.Shard> generate(String prefix, int series, int samplesPerSeries, int shards,
                                                    int seriesPerRequest, long startMs, long stepMs, long seed,
                                                    boolean v2) {
        SplittableRandom random = new SplittableRandom(seed);
        int metrics = Math.min(10, series);
        double[] value = new double[series];
        for (int s = 0; s < series; s++) {
            value[s] = Math.round(random.nextDouble() * 10000) / 100.0;
        }
        List<List<byte[]>> byShard = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            byShard.add(new ArrayList<>());
        }
        for (int t = 0; t < samplesPerSeries; t++) {
            long seconds = (startMs + t * stepMs) / 1000;
            for (int shard = 0; shard < shards; shard++) {
                StringBuilder body = null;
                int inBody = 0;
                for (int s = shard; s < series; s += shards) {
                    if (body == null) {
                        body = new StringBuilder(seriesPerRequest * 160).append("{\"series\":[");
                    }
                    double v = Math.max(0, Math.round((value[s] + (random.nextDouble() - 0.5) * 2) * 100) / 100.0);
                    value[s] = v;
                    int host = s / metrics;
                    if (inBody > 0) {
                        body.append(',');
                    }
                    append(body, prefix + (s % metrics), "host-" + host,
                            host % 3 == 0 ? "prod" : "staging", "region-" + (host % 8), seconds, v, v2);
                    if (++inBody == seriesPerRequest) {
                        byShard.get(shard).add(finish(body));
                        body = null;
                        inBody = 0;
                    }
                }
                if (body != null) {
                    byShard.get(shard).add(finish(body));
                }
            }
        }
        List<RemoteWritePayloads.Shard> out = new ArrayList<>();
        for (List<byte[]> reqs : byShard) {
            out.add(new RemoteWritePayloads.Shard(reqs));
        }
        return out;
    }

    private static void append(StringBuilder b, String metric, String host, String env, String region, long seconds,
                               double v, boolean v2) {
        String value = String.format(Locale.ROOT, "%.2f", v);
        b.append("{\"metric\":\"").append(metric).append('"');
        if (v2) {
            b.append(",\"type\":3,\"points\":[{\"timestamp\":").append(seconds).append(",\"value\":").append(value)
                    .append("}],\"resources\":[{\"name\":\"").append(host).append("\",\"type\":\"host\"}]");
        } else {
            b.append(",\"type\":\"gauge\",\"points\":[[").append(seconds).append(',').append(value)
                    .append("]],\"host\":\"").append(host).append('"');
        }
        b.append(",\"tags\":[\"env:").append(env).append("\",\"region:").append(region).append("\"]}");
    }

    private static byte[] finish(StringBuilder body) {
        return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}
