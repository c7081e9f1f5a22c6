package tocsin.tsdb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays the write-ahead log when the store opens, and repairs what a crash or a bad disk left behind.
 *
 * <h2>What it can meet, and what it does</h2>
 * <ul>
 *   <li><b>A torn tail</b>: the last segment ends inside a record (header cut short, length running past the end,
 *       or a final record whose CRC fails), or in zeros. That is the write a crash interrupted; it was never
 *       acknowledged. The segment is truncated before it, with a warning.</li>
 *   <li><b>One corrupt record</b> (CRC mismatch or unparsable payload) followed by a valid record, or ending a
 *       segment that is not the last: the framing survived, so only that record is skipped. Logged as an error
 *       naming the segment, offset and size: its points are lost, and what follows is kept.</li>
 *   <li><b>Broken framing</b> in the middle (a corrupt length, garbage): nothing after it can be trusted to be a
 *       record boundary. The rest of that segment is moved to {@code wal/corrupted/} for inspection and the segment
 *       truncated; replay goes on with the next segment. Logged as an error with the byte count set aside.</li>
 *   <li><b>A missing segment</b> number or a bad segment header: logged as an error; the segment's content is
 *       set aside and replay goes on.</li>
 *   <li><b>A newer format version</b>: opening fails ({@link TsdbOpenException}); nothing is touched.</li>
 * </ul>
 * A record's payload is parsed completely before any of it is applied, so no record is ever half-applied. Points of
 * series whose definition was lost are counted and dropped by the visitor.
 *
 * <h2>Checkpoint</h2>
 * {@code wal/checkpoint.N} stands for every segment before {@code N} ({@link Checkpoint}): it is replayed first, then
 * segments from {@code N} on. What an interrupted checkpoint leaves is removed first: a {@code checkpoint.N.tmp}
 * (the files it was to replace are intact), and, next to a complete checkpoint, older checkpoints and segments before
 * its number. Damage inside the checkpoint is handled as in a segment that is not the last.
 *
 * <p>Not thread-safe; used once, by {@link Tsdb#open}, before the writer starts.
 */
final class WalReader {
    private static final Logger log = LoggerFactory.getLogger(WalReader.class);
    private static final String CORRUPTED = "corrupted";

    /**
     * What replay found; also logged.
     *
     * @param checkpoint the number of the checkpoint replayed first, -1 for none
     */
    record Report(int segments, long checkpoint, long records, long tornBytes, long corruptRecords, long bytesSetAside,
                  List<String> problems, long nextSegment) {}

    private final Disk disk;
    private final String dir;
    private final WalFormat.RecordVisitor visitor;
    private final List<String> problems = new ArrayList<>();
    private long records;
    private long tornBytes;
    private long corruptRecords;
    private long bytesSetAside;

    private WalReader(Disk disk, String dir, WalFormat.RecordVisitor visitor) {
        this.disk = disk;
        this.dir = dir;
        this.visitor = visitor;
    }

    /** Replays every segment of {@code dir} into {@code visitor}, repairing as described above. */
    static Report replay(Disk disk, String dir, WalFormat.RecordVisitor visitor) throws IOException {
        return new WalReader(disk, dir, visitor).run();
    }

    private Report run() throws IOException {
        List<Long> numbers = new ArrayList<>();
        long checkpoint = -1;
        List<String> names = disk.list(dir);
        boolean removed = false;
        for (String name : names) {
            long n = WalFormat.segmentNumber(name);
            if (n >= 0) {
                numbers.add(n);
            } else if (name.startsWith(WalFormat.CHECKPOINT_PREFIX) && name.endsWith(Checkpoint.TEMPORARY_SUFFIX)) {
                log.info("removing {}/{}: a checkpoint a crash interrupted; the files it was to replace are intact",
                        dir, name);
                disk.delete(dir + "/" + name);
                removed = true;
            } else {
                checkpoint = Math.max(checkpoint, WalFormat.checkpointNumber(name));
            }
        }
        for (String name : names) {
            long n = WalFormat.checkpointNumber(name);
            if (n >= 0 && n < checkpoint) {
                log.info("removing {}/{}: checkpoint {} replaces it (a crash came before it was deleted)", dir, name,
                        checkpoint);
                disk.delete(dir + "/" + name);
                removed = true;
            }
        }
        numbers.sort(null);
        while (!numbers.isEmpty() && numbers.getFirst() < checkpoint) {
            String name = WalFormat.segmentName(numbers.removeFirst());
            log.info("removing {}/{}: checkpoint {} covers it (a crash came before it was deleted)", dir, name,
                    checkpoint);
            disk.delete(dir + "/" + name);
            removed = true;
        }
        if (removed) {
            disk.syncDirectory(dir);
        }
        if (checkpoint >= 0) {
            replayFile(dir + "/" + WalFormat.checkpointName(checkpoint), WalFormat.checkpointName(checkpoint), false);
            if (!numbers.isEmpty() && numbers.getFirst() > checkpoint) {
                error("WAL segments " + checkpoint + " to " + (numbers.getFirst() - 1) + " are missing after "
                        + "checkpoint " + checkpoint + "; points of series defined there are dropped");
            }
        }
        long next = Math.max(0, checkpoint);
        for (int i = 0; i < numbers.size(); i++) {
            long n = numbers.get(i);
            if (i > 0 && n != numbers.get(i - 1) + 1) {
                error("WAL segments " + (numbers.get(i - 1) + 1) + " to " + (n - 1) + " are missing; points of "
                        + "series defined there are dropped");
            }
            boolean kept = replayFile(dir + "/" + WalFormat.segmentName(n), WalFormat.segmentName(n),
                    i == numbers.size() - 1);
            next = kept ? n + 1 : n;
        }
        return new Report(numbers.size(), checkpoint, records, tornBytes, corruptRecords, bytesSetAside,
                List.copyOf(problems), next);
    }

    /**
     * Replays one segment or checkpoint ({@code name} is its file name); false when it was only a torn header and
     * has been deleted. Only the last segment can have a torn tail; anything else is corruption.
     */
    private boolean replayFile(String path, String name, boolean last) throws IOException {
        byte[] b = disk.readAll(path);
        if (b.length < WalFormat.SEGMENT_HEADER_BYTES) {
            if (last) {
                warn("WAL segment " + path + " ends inside its header (" + b.length + " bytes): a crash while it was "
                        + "being created; deleting it");
                tornBytes += b.length;
                disk.delete(path);
                disk.syncDirectory(dir);
                return false;
            }
            setAside(path, name, b, 0, "it ends inside its header");
            return true;
        }
        if (WalFormat.getInt(b, 0) != WalFormat.MAGIC) {
            setAside(path, name, b, 0, "its header does not start with the WAL magic number");
            return true;
        }
        if (b[4] > WalFormat.VERSION) {
            throw new TsdbOpenException("WAL segment " + path + " has format version " + b[4] + "; this build reads "
                    + "up to version " + WalFormat.VERSION + ". Run a newer Tocsin, or move the wal directory aside "
                    + "to start without its data", null);
        }
        int pos = WalFormat.SEGMENT_HEADER_BYTES;
        while (pos < b.length) {
            int remaining = b.length - pos;
            if (last && allZero(b, pos)) {
                truncateTornTail(path, pos, remaining, "zeros");
                return true;
            }
            if (remaining < WalFormat.RECORD_HEADER_BYTES) {
                if (last) {
                    truncateTornTail(path, pos, remaining, "a record header cut short");
                } else {
                    setAside(path, name, b, pos, "a record header is cut short at offset " + pos);
                }
                return true;
            }
            long length = Integer.toUnsignedLong(WalFormat.getInt(b, pos + 1));
            long end = pos + WalFormat.RECORD_HEADER_BYTES + length;
            if (end > b.length) {
                if (last) {
                    truncateTornTail(path, pos, remaining, "a record of " + length + " bytes running past the end");
                } else {
                    setAside(path, name, b, pos, "a record at offset " + pos + " claims " + length
                            + " bytes, past the end of the segment");
                }
                return true;
            }
            String problem = check(b, pos, (int) length);
            if (problem == null) {
                apply(b, pos, (int) length);
                records++;
                pos = (int) end;
                continue;
            }
            if (last && end == b.length) {
                truncateTornTail(path, pos, remaining, "a final record with " + problem);
                return true;
            }
            if (end == b.length || isRecordAt(b, (int) end)) {
                corruptRecords++;
                error("WAL segment " + path + ": skipped the corrupt record at offset " + pos + " (" + length
                        + " bytes, " + problem + "); the points it held are lost, the records after it are kept");
                pos = (int) end;
                continue;
            }
            setAside(path, name, b, pos, "a corrupt record at offset " + pos + " (" + problem
                    + ") and no record boundary after it");
            return true;
        }
        return true;
    }

    /** Null when the record at {@code pos} has a good CRC and parses completely; else what is wrong. */
    private String check(byte[] b, int pos, int length) {
        int stored = WalFormat.getInt(b, pos + 5);
        if (stored != WalFormat.crc(b, pos, length)) {
            return "a CRC mismatch";
        }
        try {
            WalFormat.decode(b[pos], b, pos + WalFormat.RECORD_HEADER_BYTES, length,
                    visitor instanceof SketchFormat.SketchVisitor ? SKETCH_NO_OP : NO_OP);
            return null;
        } catch (WalFormat.MalformedRecordException e) {
            return "a payload that does not parse: " + e.getMessage();
        }
    }

    private void apply(byte[] b, int pos, int length) {
        try {
            WalFormat.decode(b[pos], b, pos + WalFormat.RECORD_HEADER_BYTES, length, visitor);
        } catch (WalFormat.MalformedRecordException e) {
            throw new IllegalStateException("a record that checked out failed to parse", e);
        }
    }

    /** Whether a whole record with a good CRC starts at {@code pos}. */
    private static boolean isRecordAt(byte[] b, int pos) {
        if (b.length - pos < WalFormat.RECORD_HEADER_BYTES) {
            return false;
        }
        long length = Integer.toUnsignedLong(WalFormat.getInt(b, pos + 1));
        return pos + WalFormat.RECORD_HEADER_BYTES + length <= b.length
                && WalFormat.getInt(b, pos + 5) == WalFormat.crc(b, pos, (int) length);
    }

    private void truncateTornTail(String path, int pos, int bytes, String what) throws IOException {
        warn("WAL segment " + path + " ends in a torn write (" + what + ", " + bytes + " bytes at offset " + pos
                + "): a crash before it was synced, so it was never acknowledged; truncating");
        tornBytes += bytes;
        disk.truncate(path, pos);
    }

    /** Moves bytes [from, end) of a file to wal/corrupted/ and truncates the file at {@code from}. */
    private void setAside(String path, String fileName, byte[] b, int from, String why) throws IOException {
        if (!disk.isDirectory(dir + "/" + CORRUPTED)) {
            disk.createDirectories(dir + "/" + CORRUPTED);
            disk.syncDirectory(dir);
        }
        List<String> taken = disk.list(dir + "/" + CORRUPTED);
        String name = fileName + "." + from;
        for (int i = 1; taken.contains(name); i++) {
            name = fileName + "." + from + "-" + i;
        }
        String target = dir + "/" + CORRUPTED + "/" + name;
        try (Disk.AppendableFile copy = disk.create(target)) {
            copy.write(ByteBuffer.wrap(b, from, b.length - from));
            copy.sync();
        }
        disk.syncDirectory(dir + "/" + CORRUPTED);
        disk.truncate(path, from);
        bytesSetAside += b.length - from;
        error("WAL segment " + path + " is corrupt: " + why + ". Its " + (b.length - from) + " bytes from offset "
                + from + " cannot be replayed; they were moved to " + target + " and the segment truncated. Points "
                + "acknowledged in that range are lost; the following segments are replayed");
    }

    private static boolean allZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private void warn(String message) {
        problems.add(message);
        log.warn(message);
    }

    private void error(String message) {
        problems.add(message);
        log.error(message);
    }

    /** Checks sketch records in the sketch log, where the visitor takes them. */
    private static final SketchFormat.SketchVisitor SKETCH_NO_OP = new SketchFormat.SketchVisitor() {
        @Override
        public void sketches(SketchSeries series) {
        }

        @Override
        public void foreign() {
        }

        @Override
        public void floor(long floor) {
        }
    };

    private static final WalFormat.RecordVisitor NO_OP = new WalFormat.RecordVisitor() {
        @Override
        public void series(int id, SeriesKey key, MetricKind kind, String owner) {
        }

        @Override
        public void sample(int id, long timestamp, double value) {
        }

        @Override
        public void floor(long floor) {
        }
    };
}
