package tocsin.server.runtime;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Gives the heap back after a burst. While a burst of new series keeps its collections busy, G1 grows the heap (to
 * 4.5 GiB committed around 0.8 GiB in use at a million new series), and it gives memory back only at the Remark pause
 * of a concurrent mark, down to {@code -XX:MaxHeapFreeRatio}. After the burst the old generation may not grow enough
 * to start a mark for hours, and G1's periodic collection ({@code G1PeriodicGCInterval}) waits for a pause in
 * collections that a server under steady ingest never has. So every {@link #CHECK_SECONDS} s the governor compares
 * the heap G1 keeps committed with what the last young collection left in use, and when more than
 * {@link Policy#slack} times that is committed (and more than {@link Policy#floorBytes}), it asks for a concurrent
 * cycle: {@code System.gc()} under {@code -XX:+ExplicitGCInvokesConcurrent}, which {@code bin/tocsin} sets. Without
 * that flag (or without G1) {@code System.gc()} would be a stop-the-world full collection, so the governor stays off
 * and says so.
 *
 * <p>A workload whose heap G1 grows right back would have a cycle asked for again and again; so each request doubles
 * the wait before the next (from {@link Policy#minIntervalNanos} to {@link Policy#maxIntervalNanos}), and the wait
 * starts over once the heap has not been wasteful for the longest wait. No request comes sooner than the minimum wait after a
 * concurrent cycle G1 ran on its own.
 *
 * <p>One per JVM (several servers in one test JVM share the heap): {@link #install()} is idempotent. Checks and
 * requests run on one daemon thread, never on the JVM's notification thread. Thread-safe.
 */
public final class HeapGovernor {
    static final int CHECK_SECONDS = 2;
    private static final Logger LOG = LoggerFactory.getLogger(HeapGovernor.class);
    private static final String YOUNG = "G1 Young Generation";
    private static final String CONCURRENT = "G1 Concurrent GC";

    /**
     * When to ask for a concurrent cycle.
     *
     * @param floorBytes       never below this much committed heap (a small heap's headroom is not worth a cycle)
     * @param slack            ask when the committed heap is more than this many times what the last young
     *                         collection left in use
     * @param minIntervalNanos the shortest wait after a request or a concurrent cycle
     * @param maxIntervalNanos the longest wait after a request, reached by doubling
     */
    public record Policy(long floorBytes, double slack, long minIntervalNanos, long maxIntervalNanos) {
        /**
         * 1.5: after 705,000 new series (the bench's 100k × 10, 7 rounds) G1 kept 1.1 GiB committed around 0.6 GiB
         * in use, under twice, and RSS stayed at 1,123 MiB through 20 s idle; asked at 1.5, one cycle brought it to
         * 773 MiB, at the same ingest rate.
         */
        public static final Policy DEFAULT = new Policy(256L << 20, 1.5, TimeUnit.SECONDS.toNanos(15),
                TimeUnit.MINUTES.toNanos(8));

        public Policy {
            if (floorBytes < 0 || !(slack > 1.0) || minIntervalNanos <= 0 || maxIntervalNanos < minIntervalNanos) {
                throw new IllegalArgumentException("floorBytes >= 0, slack > 1, 0 < minIntervalNanos <= "
                        + "maxIntervalNanos: " + floorBytes + ", " + slack + ", " + minIntervalNanos + ", "
                        + maxIntervalNanos);
            }
        }

        /** Whether {@code committed} bytes of heap around {@code usedAfter} in use after a collection are waste. */
        public boolean wasteful(long committed, long usedAfter) {
            return committed > floorBytes && committed > usedAfter * slack;
        }
    }

    private final Policy policy;
    private final LongSupplier clock;
    private final LongSupplier committed;
    private final Runnable collect;
    private final AtomicLong usedAfterLast = new AtomicLong(-1);
    private final AtomicLong lastCycle = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong requests = new AtomicLong();
    private long lastRequest = Long.MIN_VALUE; // these three are confined to the checking thread
    private long calmSince = Long.MIN_VALUE;
    private long wait;

    /**
     * @param clock     nanoTime
     * @param committed the heap committed now, in bytes
     * @param collect   asks for a concurrent cycle (may block while it runs)
     */
    HeapGovernor(Policy policy, LongSupplier clock, LongSupplier committed, Runnable collect) {
        this.policy = policy;
        this.clock = clock;
        this.committed = committed;
        this.collect = collect;
        this.wait = policy.minIntervalNanos();
    }

    /** The JVM's governor, started by the first {@link #install()} (class initialisation makes it once). */
    private static final class Installed {
        static final HeapGovernor INSTANCE = start();
    }

    /**
     * Installs the governor for this JVM if it can work here (G1 with {@code -XX:+ExplicitGCInvokesConcurrent});
     * returns it, or null when it stays off. Later calls return the first call's answer.
     */
    public static HeapGovernor install() {
        return Installed.INSTANCE;
    }

    private static HeapGovernor start() {
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String why = unsupportedReason(hs);
        if (why != null) {
            LOG.info("Heap governor off: {}", why);
            return null;
        }
        // G1 never shrinks below -XX:MinHeapSize (-Xms sets it): no cycle can give that back.
        long minHeap = Long.parseLong(hs.getVMOption("MinHeapSize").getValue());
        Policy d = Policy.DEFAULT;
        Policy policy = new Policy(Math.max(d.floorBytes(), minHeap), d.slack(), d.minIntervalNanos(),
                d.maxIntervalNanos());
        HeapGovernor g = new HeapGovernor(policy, System::nanoTime,
                () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(), System::gc);
        NotificationListener listener = (n, handback) -> g.onNotification(n);
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if ((YOUNG.equals(bean.getName()) || CONCURRENT.equals(bean.getName()))
                    && bean instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
            }
        }
        ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("tocsin-heap-governor").factory());
        checker.scheduleWithFixedDelay(() -> {
            try {
                g.check();
            } catch (RuntimeException e) {
                LOG.warn("Heap governor: the check failed; it runs again in {} s", CHECK_SECONDS, e);
            }
        }, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
        LOG.info("Heap governor on: a concurrent collection is asked for when over {} MiB are committed and more "
                + "than {} times what a collection left in use", policy.floorBytes() >> 20, policy.slack());
        return g;
    }

    /**
     * Installs the governor ({@link #install()}) and counts its requests on {@code /metrics} as
     * {@code tocsin_heap_governor_cycles_requested_total} (absent when it is off).
     */
    public static void installAndRegister(PrometheusRegistry registry) {
        HeapGovernor g = install();
        if (g != null) {
            CounterWithCallback.builder()
                    .name("tocsin_heap_governor_cycles_requested_total")
                    .help("Concurrent collections asked for to give back heap that G1 kept committed after a burst")
                    .callback(cb -> cb.call(g.requests()))
                    .register(registry);
        }
    }

    private static String unsupportedReason(HotSpotDiagnosticMXBean hs) {
        boolean g1 = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .anyMatch(b -> YOUNG.equals(b.getName()));
        if (!g1) {
            return "the JVM does not run G1";
        }
        try {
            if (!Boolean.parseBoolean(hs.getVMOption("ExplicitGCInvokesConcurrent").getValue())) {
                return "-XX:+ExplicitGCInvokesConcurrent is not set (bin/tocsin sets it), and a full collection is "
                        + "not worth the memory it gives back";
            }
            if (Boolean.parseBoolean(hs.getVMOption("DisableExplicitGC").getValue())) {
                return "-XX:+DisableExplicitGC is set";
            }
        } catch (RuntimeException e) {
            return "the JVM's options cannot be read (" + e + ")";
        }
        return null;
    }

    private void onNotification(Notification n) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        if (CONCURRENT.equals(info.getGcName())) {
            concurrentPauseEnded();
            return;
        }
        long used = 0;
        for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
            used += u.getUsed();
        }
        youngCollectionEnded(used);
    }

    /** A Remark or Cleanup pause: a concurrent cycle is under way or just ended (G1 resizes at Remark). */
    void concurrentPauseEnded() {
        lastCycle.set(clock.getAsLong());
    }

    /** A young (or mixed) collection left {@code usedAfter} bytes of heap in use. */
    void youngCollectionEnded(long usedAfter) {
        usedAfterLast.set(usedAfter);
    }

    /** One check, on the governor's thread: asks for a cycle when the heap is wasteful and the wait is over. */
    void check() {
        long used = usedAfterLast.get();
        long now = clock.getAsLong();
        if (used < 0 || !policy.wasteful(committed.getAsLong(), used)) {
            if (calmSince == Long.MIN_VALUE) {
                calmSince = now;
            }
            return;
        }
        boolean calm = calmSince != Long.MIN_VALUE && now - calmSince >= policy.maxIntervalNanos();
        calmSince = Long.MIN_VALUE;
        if (since(now, lastRequest) < wait || since(now, lastCycle.get()) < policy.minIntervalNanos()) {
            return;
        }
        wait = lastRequest == Long.MIN_VALUE || calm ? policy.minIntervalNanos()
                : Math.min(2 * wait, policy.maxIntervalNanos());
        lastRequest = now;
        requests.incrementAndGet();
        LOG.debug("Heap governor: {} MiB committed after a young collection left {} MiB in use; asking for a "
                + "concurrent cycle (the next no sooner than {} s)", committed.getAsLong() >> 20, used >> 20,
                TimeUnit.NANOSECONDS.toSeconds(wait));
        collect.run();
    }

    private static long since(long now, long then) {
        return then == Long.MIN_VALUE ? Long.MAX_VALUE : now - then;
    }

    /** Concurrent cycles asked for since the JVM started. */
    public long requests() {
        return requests.get();
    }
}
