package tocsin.tsdb;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(ids[i] + " " + ts[i] + " " + Double.doubleToRawLongBits(vs[i]));
        }
        assertThat(read(record)).isEqualTo(expected);
        assertThat(read(WalFormat.deflated(record))).as("deflated").isEqualTo(expected);
    }

    /** What a checkpoint writes: series definitions, deflated, read back as the same series. */
    @Property(tries = 50)
    void deflatedSeriesRecordsReadBackAsWrittenAndSmaller(@ForAll @IntRange(min = 1, max = 3000) int n) throws Exception {
        List<MemSeries> series = new ArrayList<>();
        int[] ids = new int[n];
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            SeriesKey key = SeriesKey.of("node_cpu_seconds_total", "cpu:" + (i % 8), "instance:host-" + (i / 8) + ":9100",
                    "job:node", "mode:" + (i % 3 == 0 ? "idle" : "user"));
            series.add(new MemSeries(i * 3, key, MetricKind.COUNTER));
            ids[i] = i * 3;
            expected.add("series " + i * 3 + " " + key + " COUNTER");
        }
        byte[] plain = WalFormat.seriesRecord(ids, series);
        byte[] deflated = WalFormat.deflated(plain);
        assertThat(read(deflated)).isEqualTo(expected).isEqualTo(read(plain));
        if (n >= 100) {
            assertThat(deflated.length).as("labels repeat: deflate takes most of them").isLessThan(plain.length / 4);
        }
    }

    @Test
    void seriesRecordsSayWhomEachSeriesCountsAgainstAndVersion3RecordsReadAsNoOne() {
        Head head = new Head(0, 0);
        MemSeries byCi = head.getOrCreate(SeriesKey.of("build.duration", "build_id:b1"), MetricKind.GAUGE,
                new tocsin.core.metric.SeriesQuota("key-ci", "ci", 0));
        MemSeries anonymous = head.getOrCreate(SeriesKey.of("cpu", "host:a"), MetricKind.GAUGE);
        byte[] record = WalFormat.seriesRecord(List.of(byCi, anonymous));
        assertThat(record[0]).isEqualTo(WalFormat.ATTRIBUTED_SERIES);
        assertThat(read(record)).containsExactly("series 0 build.duration{build_id:b1} GAUGE by key-ci",
                "series 1 cpu{host:a} GAUGE");
        // what a version-3 writer wrote: type 1, no owner field
        WalFormat.Encoder old = new WalFormat.Encoder(32);
        old.uvarint(1);
        old.uvarint(7);
        old.put(WalFormat.kindCode(MetricKind.RATE));
        old.string("net.bytes");
        old.uvarint(1);
        old.string("device:eth0");
        assertThat(read(old.frame(WalFormat.SERIES))).containsExactly("series 7 net.bytes{device:eth0} RATE");
    }

    @Test
    void aDeflatedRecordThatLiesAboutItsSizeOrNestsIsMalformed() {
        byte[] inner = WalFormat.floorRecord(42);
        byte[] good = WalFormat.deflated(inner);
        assertThat(read(good)).containsExactly("floor 42");
        // the declared inflated size is the byte after the inner type: 8 (a floor's payload); claim 9, then 7
        for (int claimed : new int[]{9, 7}) {
            byte[] lie = good.clone();
            lie[WalFormat.RECORD_HEADER_BYTES + 1] = (byte) claimed;
            assertThatThrownBy(() -> decode(lie)).isInstanceOf(WalFormat.MalformedRecordException.class)
                    .hasMessageContaining("inflates to");
        }
        byte[] garbage = good.clone();
        for (int i = WalFormat.RECORD_HEADER_BYTES + 2; i < garbage.length; i++) {
            garbage[i] = (byte) 0xFF;
        }
        assertThatThrownBy(() -> decode(garbage)).isInstanceOf(WalFormat.MalformedRecordException.class);
        assertThatThrownBy(() -> decode(WalFormat.deflated(good))).isInstanceOf(WalFormat.MalformedRecordException.class)
                .hasMessageContaining("inside a deflated record");
    }

    private static void decode(byte[] record) throws WalFormat.MalformedRecordException {
        WalFormat.decode(record[0], record, WalFormat.RECORD_HEADER_BYTES, record.length - WalFormat.RECORD_HEADER_BYTES,
                new Recorder(new ArrayList<>()));
    }

    private static List<String> read(byte[] record) {
        List<String> read = new ArrayList<>();
        try {
            WalFormat.decode(record[0], record, WalFormat.RECORD_HEADER_BYTES,
                    record.length - WalFormat.RECORD_HEADER_BYTES, new Recorder(read));
        } catch (WalFormat.MalformedRecordException e) {
            throw new AssertionError(e);
        }
        return read;
    }

    private record Recorder(List<String> read) implements WalFormat.RecordVisitor {
        @Override
        public void series(int id, SeriesKey key, MetricKind kind, String owner) {
            read.add("series " + id + " " + key + " " + kind + (owner == null ? "" : " by " + owner));
        }

        @Override
        public void sample(int id, long timestamp, double value) {
            read.add(id + " " + timestamp + " " + Double.doubleToRawLongBits(value));
        }

        @Override
        public void floor(long floor) {
            read.add("floor " + floor);
        }
    }
}
