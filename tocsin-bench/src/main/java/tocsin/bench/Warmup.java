package tocsin.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What each server is sent before it is measured: batches of the same other series, each batch further on in time
 * (one sample a second, in a window that ends where the measured phase begins), so that a batch never reaches into
 * the measured data and adds no series after the first.
 *
 * <p>Each batch is generated once, for every server, while the one before it is sent.
 *
 * <p>How many: with {@code --warmup-batches auto} (the default) a JVM server (Tocsin) is sent batches until its JIT
 * compilers used at most {@value #QUIET_SHARE} of its CPU in {@value #QUIET_IN_A_ROW} batches in a row; every server
 * measured after it is sent at least as many, so that all hold the same data. A JVM compiles its hot paths over the
 * first ~15,000 requests: measured before that, a round is the JIT's (0.1-0.7 CPU s of a ~1 s round on two cores)
 * rather than what a running server spends. The JIT's part is printed, and the batches are capped by the window.
 * {@code --warmup-batches N}: exactly N for every server.
 */
final class Warmup {
    /** Batch {@code k} of the warm-up, generated when it is sent (the batches can outweigh the measured data). */
    @FunctionalInterface
    interface Batches {
        List<RemoteWritePayloads.Shard> batch(int k) throws IOException;
    }

    static final double QUIET_SHARE = 0.05;
    static final int QUIET_IN_A_ROW = 2;
    static final long STEP_MS = 1000;
    static final Warmup NONE = new Warmup(k -> List.of(), 0, 0, 0, new AtomicInteger());

    private final Batches batches;
    private final long samplesPerBatch;
    private final int maxBatches;
    /** Batches every server gets, or 0 for auto. */
    private final int fixed;
    /** The most batches a server measured so far was sent; shared by the warm-ups of one comparison. */
    private final AtomicInteger given;
    private final Map<Integer, CompletableFuture<List<RemoteWritePayloads.Shard>>> generated =
            new ConcurrentHashMap<>();

    private Warmup(Batches batches, long samplesPerBatch, int maxBatches, int fixed, AtomicInteger given) {
        this.batches = batches;
        this.samplesPerBatch = samplesPerBatch;
        this.maxBatches = maxBatches;
        this.fixed = fixed;
        this.given = given;
    }

    /**
     * @param series        series in every batch
     * @param samples       samples per series in a batch, {@link #STEP_MS} apart; 0 for no warm-up
     * @param windowMs      how far before the measured phase the first batch may begin; caps the batches
     * @param option        {@code --warmup-batches}: "auto" or a count
     */
    static Warmup of(Batches batches, int series, int samples, long windowMs, String option) {
        if (samples <= 0 || series <= 0) {
            return NONE;
        }
        int max = (int) Math.max(1, windowMs / (samples * STEP_MS));
        int fixed = option.equals("auto") ? 0 : Math.min(max, Integer.parseInt(option));
        return new Warmup(batches, (long) series * samples, max, fixed, new AtomicInteger());
    }

    /** The same schedule for another wire format of the same points, sharing the count servers were sent. */
    Warmup inFormat(Batches other) {
        return new Warmup(other, samplesPerBatch, maxBatches, fixed, given);
    }

    /** The first sample's time of batch {@code k}, given the measured phase's start and the batch's samples. */
    static long batchStart(long measuredStartMs, long windowMs, int samples, int k) {
        return measuredStartMs - windowMs + (long) k * samples * STEP_MS;
    }

    /**
     * Batch {@code k}, generated once for every server of the comparison; the next batch is generated meanwhile, on
     * another thread, while this one is sent.
     */
    List<RemoteWritePayloads.Shard> batch(int k) throws IOException {
        CompletableFuture<List<RemoteWritePayloads.Shard>> batch = generated(k);
        if (k + 1 < maxBatches) {
            generated(k + 1);
        }
        try {
            return batch.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private CompletableFuture<List<RemoteWritePayloads.Shard>> generated(int k) {
        return generated.computeIfAbsent(k, i -> CompletableFuture.supplyAsync(() -> {
            try {
                return batches.batch(i);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }));
    }

    long samplesPerBatch() {
        return samplesPerBatch;
    }

    /**
     * Whether a server that was sent {@code sent} batches, the last {@code quiet} of them in a row with its JIT quiet,
     * needs another; {@code compiles}: the server has a JIT whose CPU the bench can see.
     */
    boolean wantsMore(int sent, int quiet, boolean compiles) {
        if (samplesPerBatch == 0 || sent >= maxBatches) {
            return false;
        }
        if (fixed > 0) {
            return sent < fixed;
        }
        if (sent < Math.max(1, given.get())) {
            return true;
        }
        return compiles && quiet < QUIET_IN_A_ROW;
    }

    /** Records that a server was sent {@code sent} batches. */
    void sent(int sent) {
        given.accumulateAndGet(sent, Math::max);
    }
}
