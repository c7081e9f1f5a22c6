package tocsin.tsdb;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class WalFormatTest {

    @Property(tries = 500)
    void uvarintLengthIsWhatTheEncoderWrites(@ForAll long v) {
        WalFormat.Encoder e = new WalFormat.Encoder(0);
        e.uvarint(v);
        assertThat(WalFormat.uvarintLength(v)).isEqualTo(e.payload().length);
    }

    /** A samples record reads back as written, whatever the ids and the spread of timestamps (both signs). */
    @Property(tries = 300)
    void aSamplesRecordReadsBackAsWritten(@ForAll @IntRange(max = 300) int n, @ForAll long seed) throws Exception {
        Random r = new Random(seed);
        int[] ids = new int[n];
        long[] ts = new long[n];
        double[] vs = new double[n];
        long base = r.nextLong();
        for (int i = 0; i < n; i++) {
            ids[i] = switch (r.nextInt(3)) {
                case 0 -> r.nextInt(128);
                case 1 -> r.nextInt();
                default -> r.nextInt(Integer.MAX_VALUE);
            };
            ts[i] = switch (r.nextInt(3)) {
                case 0 -> base;
                case 1 -> base + r.nextInt(100_000) - 50_000;
                default -> r.nextLong();
            };
            vs[i] = r.nextBoolean() ? r.nextGaussian() : Double.longBitsToDouble(r.nextLong());
        }
        byte[] record = WalFormat.samplesRecord(ids, ts, vs, n);
        assertThat(record.length - WalFormat.RECORD_HEADER_BYTES).isEqualTo(WalFormat.getInt(record, 1));
        List<String> read = new ArrayList<>();
        WalFormat.decode(record[0], record, WalFormat.RECORD_HEADER_BYTES, record.length - WalFormat.RECORD_HEADER_BYTES,
                new WalFormat.RecordVisitor() {
                    @Override
                    public void series(int id, SeriesKey key, MetricKind kind) {
                        read.add("series " + id);
                    }

                    @Override
                    public void sample(int id, long timestamp, double value) {
                        read.add(id + " " + timestamp + " " + Double.doubleToRawLongBits(value));
                    }

                    @Override
                    public void floor(long floor) {
                        read.add("floor " + floor);
                    }
                });
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(ids[i] + " " + ts[i] + " " + Double.doubleToRawLongBits(vs[i]));
        }
        assertThat(read).isEqualTo(expected);
    }
}
