package tocsin.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class WarmupTest {
    /** How many times each batch was generated. */
    private final Map<Integer, Integer> generated = new ConcurrentHashMap<>();

    private Warmup warmup(long windowMs, String option) {
        return Warmup.of(k -> {
            generated.merge(k, 1, Integer::sum);
            return List.of(new RemoteWritePayloads.Shard(List.of(new byte[]{(byte) k})));
        }, 10, 100, windowMs, option);
    }

    /** How many batches a server is sent when its JIT is quiet in the batches {@code quietFrom} and after. */
    private static int send(Warmup warmup, boolean compiles, int quietFrom) {
        int sent = 0;
        int quiet = 0;
        while (warmup.wantsMore(sent, quiet, compiles)) {
            quiet = sent >= quietFrom ? quiet + 1 : 0;
            sent++;
        }
        warmup.sent(sent);
        return sent;
    }

    @Test
    void autoSendsAJvmServerBatchesUntilItsJitIsQuietTwiceAndEveryLaterServerAsMany() {
        Warmup warmup = warmup(3_600_000, "auto");
        assertThat(send(warmup, true, 5)).isEqualTo(7); // batches 5 and 6 quiet
        assertThat(send(warmup, false, 0)).isEqualTo(7);
        assertThat(send(warmup.inFormat(k -> List.of()), false, 0)).isEqualTo(7); // the same count in another format
        assertThat(send(warmup, true, 0)).isEqualTo(7); // a quiet JVM still gets what the others got
    }

    @Test
    void theWindowCapsTheBatchesAndAServerWithoutAJitGetsOne() {
        assertThat(send(warmup(2_000_000, "auto"), true, 1_000)).isEqualTo(20); // 2,000 s of 100 s batches
        assertThat(send(warmup(3_600_000, "auto"), false, 0)).isEqualTo(1);
        assertThat(send(warmup(50_000, "auto"), true, 1_000)).isEqualTo(1); // a window shorter than a batch: one
    }

    @Test
    void aFixedCountIsSentToEveryServer() {
        Warmup warmup = warmup(3_600_000, "3");
        assertThat(send(warmup, true, 1_000)).isEqualTo(3);
        assertThat(send(warmup, false, 0)).isEqualTo(3);
        assertThat(send(warmup(3_600_000, "500"), false, 0)).isEqualTo(36);
    }

    @Test
    void noSamplesNoWarmup() {
        Warmup none = Warmup.of(k -> List.of(), 10, 0, 3_600_000, "auto");
        assertThat(none.wantsMore(0, 0, true)).isFalse();
        assertThat(none.samplesPerBatch()).isZero();
    }

    @Test
    void eachBatchIsGeneratedOnceAndEndsBeforeTheMeasuredPhase() throws IOException {
        Warmup warmup = warmup(3_600_000, "auto");
        List<RemoteWritePayloads.Shard> first = warmup.batch(0);
        assertThat(first.getFirst().requests().getFirst()).containsExactly(0);
        assertThat(warmup.batch(0)).isSameAs(first); // the next server gets the same batch
        assertThat(warmup.batch(1).getFirst().requests().getFirst()).containsExactly(1); // generated ahead
        assertThat(generated).containsEntry(0, 1).containsEntry(1, 1);
        assertThat(warmup.samplesPerBatch()).isEqualTo(1_000);

        long start = 1_000_000_000L;
        assertThat(Warmup.batchStart(start, 3_600_000, 100, 0)).isEqualTo(start - 3_600_000);
        // the last batch of a full window: its last sample is a second before the measured phase
        assertThat(Warmup.batchStart(start, 3_600_000, 100, 35) + 99 * Warmup.STEP_MS).isEqualTo(start - 1_000);
    }
}
