package tocsin.server.runtime;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeapGovernorTest {
    private static final long MIB = 1L << 20;
    private static final long SECOND = 1_000_000_000L;
    private final HeapGovernor.Policy policy = new HeapGovernor.Policy(256 * MIB, 2.0, 15 * SECOND, 120 * SECOND);
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final HeapGovernor governor = new HeapGovernor(policy, now::get, committed::get,
            collections::incrementAndGet);

    @Test
    void wasteIsACommittedHeapMostlyEmptyAfterACollection() {
        assertThat(policy.wasteful(4500 * MIB, 800 * MIB)).as("after a burst of a million series").isTrue();
        assertThat(policy.wasteful(1200 * MIB, 800 * MIB)).as("headroom G1 needs").isFalse();
        assertThat(policy.wasteful(200 * MIB, 10 * MIB)).as("a small heap").isFalse();
    }

    @Property(tries = 500)
    void wasteNeverWithinTheSlackOrBelowTheFloor(@ForAll @LongRange(min = 0, max = 1L << 36) long committed,
                                                 @ForAll @LongRange(min = 0, max = 1L << 36) long used) {
        assertThat(policy.wasteful(committed, used)).isEqualTo(committed > 256 * MIB && committed > 2.0 * used);
    }

    @Test
    void asksOnceTheBurstLeftTheHeapWastefulEvenWhenNoCollectionFollows() {
        governor.check();
        assertThat(collections.get()).as("no collection seen yet: nothing to compare").isZero();
        governor.youngCollectionEnded(800 * MIB);
        committed.set(1400 * MIB);
        governor.check();
        assertThat(collections.get()).isZero();
        committed.set(4500 * MIB); // G1 grew the heap; the ingest stopped, so no collection reports it
        governor.check();
        assertThat(collections.get()).isEqualTo(1);
        assertThat(governor.requests()).isEqualTo(1);
    }

    @Test
    void waitsLongerAfterEachRequestAndStartsOverOnceCalm() {
        governor.youngCollectionEnded(800 * MIB);
        committed.set(4500 * MIB); // a heap G1 grows right back after every cycle
        long[] askedAt = new long[6];
        int asked = 0;
        for (int second = 0; second < 400 && asked < askedAt.length; second += 2) {
            long before = collections.get();
            governor.check();
            if (collections.get() > before) {
                askedAt[asked++] = second;
            }
            now.addAndGet(2 * SECOND);
        }
        assertThat(askedAt).containsExactly(0, 16, 46, 106, 226, 346); // waits 15, 30, 60, 120 (the longest), 120

        committed.set(1000 * MIB); // G1 keeps what it needs now
        governor.check();
        now.addAndGet(121 * SECOND);
        governor.check();
        committed.set(4500 * MIB); // the next burst, after a calm longer than the longest wait
        long before = collections.get();
        governor.check();
        now.addAndGet(16 * SECOND);
        governor.check();
        assertThat(collections.get() - before).as("the wait started over at 15 s").isEqualTo(2);
    }

    @Test
    void noRequestRightAfterACycleG1RanOnItsOwn() {
        governor.youngCollectionEnded(800 * MIB);
        committed.set(4500 * MIB);
        governor.concurrentPauseEnded();
        now.addAndGet(10 * SECOND);
        governor.check();
        assertThat(collections.get()).isZero();
        now.addAndGet(6 * SECOND);
        governor.check();
        assertThat(collections.get()).isEqualTo(1);
    }

    @Test
    void rejectsAPolicyThatWouldAskWithoutEnd() {
        assertThatThrownBy(() -> new HeapGovernor.Policy(0, 1.0, SECOND, SECOND))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slack > 1");
        assertThatThrownBy(() -> new HeapGovernor.Policy(0, 2.0, 0, SECOND))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
