package tocsin.ingest;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class BufferPoolTest {

    @Test
    void anArrayGivenBackIsTakenAgainWhenLongEnough() {
        BufferPool pool = new BufferPool(2, 1 << 20);
        byte[] a = pool.take(1000);
        assertThat(a).hasSize(1000);
        pool.give(a);
        assertThat(pool.take(2000)).as("too short: a new one").hasSize(2000).isNotSameAs(a);
        assertThat(pool.take(500)).as("long enough").isSameAs(a);
        assertThat(pool.take(500)).as("taken already").isNotSameAs(a).hasSize(500);
    }

    @Test
    void itKeepsAtMostItsSlotsPreferringLongerArraysAndNothingOverItsSizeLimit() {
        BufferPool pool = new BufferPool(2, 4096);
        byte[] big = new byte[8192];
        pool.give(big);
        assertThat(pool.take(8192)).as("over the limit: never kept").isNotSameAs(big);
        byte[] a = new byte[100];
        byte[] b = new byte[200];
        byte[] c = new byte[300];
        pool.give(a);
        pool.give(b);
        pool.give(c); // replaces the shorter a
        assertThat(pool.take(250)).isSameAs(c);
        assertThat(pool.take(150)).isSameAs(b);
        assertThat(pool.take(50)).isNotSameAs(a).hasSize(50);
    }

    @Test
    void noArrayIsHandedToTwoTakersAtOnce() throws Exception {
        BufferPool pool = new BufferPool(4, 1 << 16);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> runs = new ArrayList<>();
            Map<byte[], Boolean> inUse = java.util.Collections.synchronizedMap(new IdentityHashMap<>());
            for (int t = 0; t < 4; t++) {
                runs.add(threads.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        byte[] b = pool.take(1 + i % 4096);
                        if (inUse.put(b, Boolean.TRUE) != null) {
                            return false;
                        }
                        inUse.remove(b);
                        pool.give(b);
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : runs) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
