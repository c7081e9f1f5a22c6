package tocsin.bench;

import com.google.protobuf.CodedInputStream;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench's remote-write requests, read back as a Prometheus receiver reads them. */
class RemoteWritePayloadsTest {
    record Series(List<String> labels, double value, long timestamp) {
    }

    private static List<Series> decode(byte[] request) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(Snappy.uncompress(request));
        List<Series> out = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            assertThat(tag).isEqualTo(0x0a); // timeseries, field 1
            CodedInputStream ts = CodedInputStream.newInstance(in.readByteArray());
            List<String> labels = new ArrayList<>();
            double value = Double.NaN;
            long timestamp = -1;
            for (int t; (t = ts.readTag()) != 0; ) {
                CodedInputStream field = CodedInputStream.newInstance(ts.readByteArray());
                if (t == 0x0a) { // Label {name = 1, value = 2}
                    assertThat(field.readTag()).isEqualTo(0x0a);
                    labels.add(field.readString());
                    assertThat(field.readTag()).isEqualTo(0x12);
                    labels.add(field.readString());
                } else { // Sample {value = 1 (double), timestamp = 2 (int64)}
                    assertThat(t).isEqualTo(0x12);
                    assertThat(field.readTag()).isEqualTo(0x09);
                    value = field.readDouble();
                    assertThat(field.readTag()).isEqualTo(0x10);
                    timestamp = field.readInt64();
                }
                assertThat(field.isAtEnd()).isTrue();
            }
            out.add(new Series(labels, value, timestamp));
        }
        return out;
    }

    @Test
    void eachRequestHoldsOneSampleOfEachOfItsShardsSeriesInTimeOrder() throws IOException {
        List<RemoteWritePayloads.Shard> shards = RemoteWritePayloads.generate("w_", 30, 3, 2, 10, 1_000_000, 1_000, 5);

        assertThat(shards).hasSize(2);
        // 15 series per shard, 10 per request: two requests per timestamp, three timestamps
        assertThat(shards.getFirst().requests()).hasSize(6);
        List<Series> first = decode(shards.getFirst().requests().getFirst());
        assertThat(first).hasSize(10);
        assertThat(first.getFirst().labels()).containsExactly("__name__", "w_0", "env", "prod", "instance",
                "host-0:9100", "job", "node", "region", "region-0");
        assertThat(first.get(1).labels()).contains("w_2"); // series 2: the shard's second
        assertThat(first).allSatisfy(s -> assertThat(s.timestamp()).isEqualTo(1_000_000));
        assertThat(decode(shards.getFirst().requests().get(1))).hasSize(5);
        assertThat(decode(shards.getFirst().requests().get(2))).allSatisfy(s -> {
            assertThat(s.timestamp()).isEqualTo(1_001_000);
            assertThat(s.value()).isBetween(0.0, 102.0);
        });
    }

    @Test
    void aRequestForGivenSeriesCarriesExactlyThem() throws IOException {
        byte[] request = RemoteWritePayloads.request(List.<String[]>of(new String[]{"__name__", "up", "job", "é"},
                new String[]{"__name__", "down"}), new double[]{1.5, -0.0}, 42);
        assertThat(decode(request)).containsExactly(new Series(List.of("__name__", "up", "job", "é"), 1.5, 42),
                new Series(List.of("__name__", "down"), -0.0, 42));
    }
}
