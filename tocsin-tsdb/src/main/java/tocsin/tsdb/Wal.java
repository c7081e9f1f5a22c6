package tocsin.tsdb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The write-ahead log's writing side: one named platform thread that group-commits appends into segment files.
 *
 * <h2>Design</h2>
 * Appending threads frame their batch as one samples record themselves (in parallel) and {@link #submit} it. The
 * writer thread takes whatever has queued up as one <em>group</em>: it asks the {@link Committer} for the records
 * that must precede the group (definitions of series the log has not seen), writes them and the group's records
 * through a 1 MiB buffer, syncs the segment <b>once</b>, and hands the group back to the committer, which applies it
 * to the head in log order and completes each append. While one sync runs, the next group gathers, so the sync cost
 * is shared by everyone who arrived meanwhile; no timer is needed. A record never spans segments: when the next
 * record would push the segment past its size, the segment is synced and closed and the next one begins.
 *
 * <h2>States</h2>
 * <pre>
 *   RUNNING ──write/sync IOException──► FAILED   every queued and later append fails (TsdbWriteException)
 *      │
 *      └──close()──► CLOSED   appends queued before close() are logged first; later ones fail
 * </pre>
 * FAILED is final: after a failed sync the kernel may have dropped the dirty pages and cleared the error
 * ("fsyncgate"), so retrying could report success for data that is gone. The process must reopen the store, which
 * replays what did reach the disk.
 *
 * <h2>Tasks between groups</h2>
 * {@link #between} runs a piece of work on the writer thread after every append queued before it has been logged and
 * applied, and before any append queued after it: a point in the log's order. The store uses it to raise the
 * head's floor (starting a new segment whose first record is the new floor) and to drop idle series from the head,
 * so that replay meets those events exactly where the live store did.
 *
 * <h2>Back-pressure</h2>
 * At most {@value #MAX_IN_FLIGHT_BYTES} bytes of records wait for the writer; {@link #submit} blocks beyond that,
 * which slows the intake rather than growing the heap.
 *
 * <h2>On crash</h2>
 * An append returns only after its group's sync (and, for a new segment, the directory's sync), so everything
 * acknowledged is on disk. With a sync interval ({@link TsdbOptions#walSyncInterval()}) an append returns once its
 * group is written to the operating system, and the writer syncs at most the interval later (waking for it when no
 * append comes), at each segment's end and at close: a killed process loses nothing acknowledged, a machine crash at
 * most the last interval's appends; a late sync that fails fails the log as a group's would. The tail written after
 * the last sync may be missing or torn; {@link WalReader} cuts a torn tail off when the store is next opened. Records are framed with a length and a CRC32C, so a half-written record is
 * never applied.
 *
 * <h2>Concurrency</h2>
 * {@link #submit} is thread-safe and blocks until the append's fate is known. Everything else runs on the writer
 * thread.
 */
final class Wal implements AutoCloseable {
    static final int MAX_IN_FLIGHT_BYTES = 64 << 20;
    private static final int WRITE_BUFFER_BYTES = 1 << 20;
    private static final Logger log = LoggerFactory.getLogger(Wal.class);
    private static final PendingAppend CLOSE = new PendingAppend(new byte[0], null, null, null, null, 0, new ArrayList<>());

    /** What the writer thread takes from its queue. */
    sealed interface Entry permits PendingAppend, Task {}

    /** Work for the writer thread; it may log records and start segments through {@link Writer}. */
    interface Action<T> {
        T run(Writer writer) throws IOException;
    }

    /** What an {@link Action} may do to the log, on the writer thread. */
    interface Writer {
        /** Syncs and closes the segment being written and starts the next one; returns its number. */
        long startSegment() throws IOException;

        /** Writes a framed record and syncs it. */
        void log(byte[] record) throws IOException;
    }

    static final class Task implements Entry {
        final Action<?> action;
        final CompletableFuture<Object> done = new CompletableFuture<>();

        Task(Action<?> action) {
            this.action = action;
        }
    }

    /** The store's side of a group commit; called on the writer thread only. */
    interface Committer {
        /** A framed record that must be logged before {@code group}, or null. */
        byte[] prelude(List<PendingAppend> group);

        /** {@code group} is durable: apply it, in order, and complete each append. */
        void committed(List<PendingAppend> group);
    }

    private final Disk disk;
    private final String dir;
    private final long segmentBytes;
    private final Committer committer;
    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT_BYTES);
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private final Thread writer;

    private Disk.AppendableFile segment;
    private long segmentNumber;
    private boolean directoryDirty;
    private volatile boolean closed;
    /** Set once the writer thread stops taking appends; after that the queue is only drained. */
    private volatile boolean stopped;
    private volatile TsdbWriteException failure;
    /** How long the last group's sync took, in nanoseconds; -1 before the first. */
    private volatile long lastSyncNanos = -1;
    /** 0: sync every group before answering it; else sync at most this long after a group was written. */
    private final long syncIntervalNanos;
    /** When the oldest write not yet synced was made (nanoTime); -1 when everything written is synced. */
    private long unsyncedSince = -1;
    private final Writer writerView = new Writer() {
        @Override
        public long startSegment() throws IOException {
            flushBuffer();
            segment.sync();
            segment.close();
            segment = newSegment(segmentNumber + 1);
            segmentNumber++;
            sync(); // the new segment's header; everything before it is in the segment just synced and closed
            disk.syncDirectory(dir);
            return segmentNumber;
        }

        @Override
        public void log(byte[] record) throws IOException {
            writeRecord(record);
            flushBuffer();
            sync();
            if (directoryDirty) {
                disk.syncDirectory(dir);
                directoryDirty = false;
            }
        }
    };

    /**
     * Starts a new segment numbered {@code firstSegment} in {@code dir} and the writer thread.
     *
     * @param syncIntervalNanos 0: each group is synced before it is answered; else at most this long after it is
     *                          written (see {@link TsdbOptions#walSyncInterval()})
     * @throws IOException when the segment cannot be created and made durable
     */
    Wal(Disk disk, String dir, long firstSegment, long segmentBytes, long syncIntervalNanos, Committer committer)
            throws IOException {
        if (syncIntervalNanos < 0) {
            throw new IllegalArgumentException("syncIntervalNanos must be 0 or positive, was " + syncIntervalNanos);
        }
        this.syncIntervalNanos = syncIntervalNanos;
        this.disk = disk;
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.committer = committer;
        this.segmentNumber = firstSegment;
        this.segment = newSegment(firstSegment);
        segment.sync();
        disk.syncDirectory(dir);
        this.writer = Thread.ofPlatform().name("tocsin-tsdb-wal").daemon(true).unstarted(this::run);
        writer.start();
    }

    /** The segment being written; for tests. */
    long segmentNumber() {
        return segmentNumber;
    }

    /** How long the last sync of a group took, or -1 before the first. */
    long lastSyncNanos() {
        return lastSyncNanos;
    }

    /** Whether the log has failed and refuses appends until the store is reopened. */
    boolean failed() {
        return failure != null;
    }

    /**
     * Runs {@code action} on the writer thread between two groups (see the class comment). The future fails with
     * {@link TsdbWriteException} if the log is failed or closed, or fails while running the action; an
     * {@link IOException} from the action fails the log, as any write error does.
     */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> between(Action<T> action) {
        Task task = new Task(action);
        try {
            rejectIfUnavailable();
            queue.add(task);
            if (stopped && queue.remove(task)) {
                rejectIfUnavailable();
                throw new TsdbWriteException("the store is closed", null);
            }
        } catch (TsdbWriteException e) {
            task.done.completeExceptionally(e);
        }
        return (CompletableFuture<T>) task.done;
    }

    /**
     * Queues an append for the next group; the caller then waits on {@link PendingAppend#result}.
     *
     * @throws TsdbWriteException when the log has failed or is closed
     */
    void submit(PendingAppend append) {
        rejectIfUnavailable();
        append.permits = Math.min(append.record.length, MAX_IN_FLIGHT_BYTES);
        inFlight.acquireUninterruptibly(append.permits);
        queue.add(append);
        if (stopped && queue.remove(append)) { // the writer is gone and will not see it
            inFlight.release(append.permits);
            rejectIfUnavailable();
            throw new TsdbWriteException("the store is closed", null);
        }
    }

    private void rejectIfUnavailable() {
        TsdbWriteException f = failure;
        if (f != null) {
            throw new TsdbWriteException(f.getMessage(), f);
        }
        if (closed) {
            throw new TsdbWriteException("the store is closed", null);
        }
    }

    /** Logs what was queued before this call, then stops the writer and closes the segment. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(CLOSE);
        try {
            writer.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            log.warn("WAL writer did not finish within a minute of close; the segment is closed under it");
        }
        try {
            segment.close();
        } catch (IOException e) {
            log.warn("closing WAL segment {} failed", segmentName(), e);
        }
    }

    private void run() {
        List<Entry> taken = new ArrayList<>();
        List<PendingAppend> group = new ArrayList<>();
        boolean closing = false;
        while (!closing) {
            try {
                Entry next = nextEntry();
                if (next == null) { // the sync interval is over and nothing came: sync what was written
                    if (!syncLate()) {
                        return;
                    }
                    continue;
                }
                taken.add(next);
            } catch (InterruptedException e) {
                break; // nobody interrupts the writer but the JVM going down
            }
            queue.drainTo(taken);
            int close = taken.indexOf(CLOSE);
            if (close >= 0) {
                closing = true;
                List<Entry> late = taken.subList(close, taken.size());
                TsdbWriteException closedError = new TsdbWriteException("the store is closed", null);
                for (Entry e : late) {
                    if (e != CLOSE) { // queued after close() began: refuse, as submit would have
                        failEntry(e, closedError);
                    }
                }
                late.clear();
            }
            for (int i = 0; i < taken.size(); ) {
                if (taken.get(i) instanceof Task task) {
                    i++;
                    try {
                        task.done.complete(task.action.run(writerView));
                    } catch (IOException e) {
                        fail(List.of(), taken.subList(i, taken.size()), e);
                        task.done.completeExceptionally(failure);
                        return;
                    } catch (RuntimeException e) {
                        task.done.completeExceptionally(e); // a bug in the task; the log itself is fine
                    }
                    continue;
                }
                while (i < taken.size() && taken.get(i) instanceof PendingAppend p) {
                    group.add(p);
                    i++;
                }
                if (!commit(group, taken.subList(i, taken.size()))) {
                    return;
                }
                group.clear();
            }
            taken.clear();
        }
        stopped = true;
        failQueued(new TsdbWriteException("the store is closed", null));
        if (failure == null && unsyncedSince >= 0) {
            syncLate(); // what was written before close() is synced before the segment closes
        }
    }

    /** The next entry; with writes not yet synced, null once their sync interval is over. */
    private Entry nextEntry() throws InterruptedException {
        if (unsyncedSince < 0) {
            return queue.take();
        }
        long wait = syncIntervalNanos - (System.nanoTime() - unsyncedSince);
        return wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
    }

    /** Syncs writes already answered; a failure fails the log, as a group's failed sync does. */
    private boolean syncLate() {
        try {
            sync();
            return true;
        } catch (IOException | RuntimeException e) {
            fail(List.of(), List.of(), e);
            return false;
        }
    }

    /** Syncs the segment being written: everything written so far is durable. */
    private void sync() throws IOException {
        long started = System.nanoTime();
        segment.sync();
        lastSyncNanos = System.nanoTime() - started;
        unsyncedSince = -1;
    }

    /** Logs, syncs and applies one group; false when the log failed (everything after is failed too). */
    private boolean commit(List<PendingAppend> group, List<Entry> rest) {
        try {
            writeAndSync(group);
        } catch (IOException | RuntimeException e) {
            fail(group, rest, e);
            return false;
        }
        try {
            committer.committed(group);
        } catch (RuntimeException e) {
            // A bug in applying: the records are durable, so a restart will replay them; stop taking more.
            fail(group, rest, e);
            return false;
        }
        for (PendingAppend p : group) {
            inFlight.release(p.permits);
        }
        return true;
    }

    private void writeAndSync(List<PendingAppend> group) throws IOException {
        byte[] prelude = committer.prelude(group);
        if (prelude != null) {
            writeRecord(prelude);
        }
        for (PendingAppend p : group) {
            if (p.record != null) { // null: every point was refused before logging
                writeRecord(p.record);
            }
        }
        flushBuffer(); // in the operating system from here on: an acknowledged append survives the process dying
        if (syncIntervalNanos == 0) {
            sync();
        } else if (unsyncedSince < 0) {
            unsyncedSince = System.nanoTime();
        } else if (System.nanoTime() - unsyncedSince >= syncIntervalNanos) {
            sync();
        }
        if (directoryDirty) {
            disk.syncDirectory(dir);
            directoryDirty = false;
        }
    }

    private void writeRecord(byte[] record) throws IOException {
        long pending = segment.size() + buffer.position();
        if (pending + record.length > segmentBytes && pending > WalFormat.SEGMENT_HEADER_BYTES) {
            flushBuffer();
            segment.sync();
            segment.close();
            segment = newSegment(segmentNumber + 1);
            segmentNumber++;
            directoryDirty = true;
        }
        if (record.length > buffer.remaining()) {
            flushBuffer();
        }
        if (record.length > buffer.capacity()) {
            segment.write(ByteBuffer.wrap(record));
        } else {
            buffer.put(record);
        }
    }

    private void flushBuffer() throws IOException {
        buffer.flip();
        try {
            segment.write(buffer);
        } finally {
            buffer.clear();
        }
    }

    private Disk.AppendableFile newSegment(long n) throws IOException {
        Disk.AppendableFile file = disk.create(dir + "/" + WalFormat.segmentName(n));
        file.write(ByteBuffer.wrap(WalFormat.segmentHeader()));
        return file;
    }

    private void fail(List<PendingAppend> group, List<Entry> rest, Exception cause) {
        TsdbWriteException f = new TsdbWriteException("the write-ahead log could not be written or synced ("
                + segmentName() + ": " + cause.getMessage() + "); points are no longer accepted, restart to recover",
                cause);
        failure = f;
        stopped = true;
        log.error("WAL segment {} failed; refusing further appends until the store is reopened", segmentName(),
                cause);
        for (PendingAppend p : group) {
            p.result.completeExceptionally(f);
        }
        for (Entry e : rest) {
            failEntry(e, f);
        }
        failQueued(f);
        inFlight.release(MAX_IN_FLIGHT_BYTES); // wake anyone blocked on back-pressure; they will see the failure
    }

    private void failQueued(TsdbWriteException f) {
        for (Entry e; (e = queue.poll()) != null; ) {
            if (e != CLOSE) {
                failEntry(e, f);
            }
        }
    }

    private static void failEntry(Entry e, TsdbWriteException f) {
        switch (e) {
            case PendingAppend p -> p.result.completeExceptionally(f);
            case Task t -> t.done.completeExceptionally(f);
        }
    }

    private String segmentName() {
        return dir + "/" + WalFormat.segmentName(segmentNumber);
    }
}
