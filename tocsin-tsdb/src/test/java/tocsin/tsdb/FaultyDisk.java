package tocsin.tsdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;

/**
 * An in-memory {@link Disk} that remembers what is durable and can fail or crash, after Lucene's
 * {@code MockDirectoryWrapper}:
 * <ul>
 *   <li>bytes are durable once their file was synced;</li>
 *   <li>a creation, deletion or rename (of a file or a directory) is durable once the directory holding the entry
 *       (for a rename, the target's) was synced after it. A crash undoes the operations that were not, newest first:
 *       a directory whose creation is undone takes its content with it, a rename that is undone puts the whole
 *       entry back under its old name;</li>
 *   <li>{@link #failSyncs(int)}: the n-th next sync throws, and so does every later one (a dying disk);</li>
 *   <li>{@link #failWritesAfter(long)}: the disk fills up after so many more bytes, mid-write;</li>
 *   <li>{@link #powerCutAfter(long)}: after so many more changing operations (create, write, sync, truncate,
 *       delete, rename, directory creation or sync), every operation fails: the moment of a power cut, to be
 *       followed by {@link #crash}; {@link #powerCutAt} cuts at the first operation of a kind on a path instead;</li>
 *   <li>{@link #crash(Random, boolean)}: the machine loses power. The returned disk holds what was durable, plus,
 *       when {@code tear} is set, a random prefix of each file's unsynced bytes (a torn write). This disk is dead
 *       afterwards: every operation on it throws.</li>
 * </ul>
 * {@link #map} hands out a copy that is zeroed when the mapping is closed, so that a read after the owner said it
 * was done sees garbage and fails its CRC. Thread-safe.
 */
final class FaultyDisk implements Disk {

    private static final class FileState {
        byte[] data = new byte[0];
        int length;
        int synced;

        void append(byte[] bytes, int off, int len) {
            if (length + len > data.length) {
                data = Arrays.copyOf(data, Math.max(length + len, data.length * 2 + 64));
            }
            System.arraycopy(bytes, off, data, length, len);
            length += len;
        }

        byte[] content() {
            return Arrays.copyOf(data, length);
        }
    }

    /** A change to the name space that a crash would undo: not yet made durable by a directory sync. */
    private sealed interface Pending {
        /** The directory whose sync makes it durable. */
        String syncedBy();
    }

    private record Created(String path, boolean directory) implements Pending {
        public String syncedBy() {
            return parent(path);
        }
    }

    private record Deleted(String path, FileState file) implements Pending {
        public String syncedBy() {
            return parent(path);
        }
    }

    private record Renamed(String from, String to) implements Pending {
        public String syncedBy() {
            return parent(to);
        }
    }

    private final Map<String, FileState> files = new HashMap<>();
    private final Set<String> dirs = new TreeSet<>();
    private final List<Pending> pending = new ArrayList<>();
    private boolean dead;
    private int syncsUntilFailure = -1;
    private long writableBytes = Long.MAX_VALUE;
    private long operationsUntilPowerCut = -1;
    private String cutOperation;
    private String cutPrefix;
    private boolean powerCut;
    private int syncCount;
    private int openMappings;

    FaultyDisk() {
        dirs.add("");
    }

    /** The {@code n}-th next file sync fails (1 = the next one), and every sync after it. */
    synchronized void failSyncs(int n) {
        syncsUntilFailure = n;
    }

    /** After {@code bytes} more bytes, writes fail as on a full disk. */
    synchronized void failWritesAfter(long bytes) {
        writableBytes = bytes;
    }

    /** After {@code n} more changing operations, every operation fails, as if the power went; 0 = the next one. */
    synchronized void powerCutAfter(long n) {
        operationsUntilPowerCut = n;
    }

    /**
     * The power goes just before the first {@code operation} ({@code create}, {@code write}, {@code sync},
     * {@code truncate}, {@code delete}, {@code move}, {@code mkdir}, {@code syncDirectory}) on a path starting with
     * {@code pathPrefix} (for a move, the source).
     */
    synchronized void powerCutAt(String operation, String pathPrefix) {
        cutOperation = operation;
        cutPrefix = pathPrefix;
    }

    /** Whether a power cut set by {@link #powerCutAfter} or {@link #powerCutAt} has made an operation fail. */
    synchronized boolean powerWasCut() {
        return powerCut;
    }

    synchronized int syncCount() {
        return syncCount;
    }

    /** Mappings handed out and not closed yet. */
    synchronized int openMappings() {
        return openMappings;
    }

    /** Power loss: returns the disk as it comes back; this one is dead. */
    synchronized FaultyDisk crash(Random random, boolean tear) {
        return crash(unsynced -> tear ? random.nextInt(unsynced + 1) : 0);
    }

    /** Power loss after which exactly {@code bytes} of each file's unsynced bytes (at most all) made it to disk. */
    synchronized FaultyDisk crashKeeping(int bytes) {
        return crash(unsynced -> Math.min(bytes, unsynced));
    }

    private FaultyDisk crash(IntUnaryOperator keptOfUnsynced) {
        Map<String, FileState> survivingFiles = new HashMap<>(files);
        Set<String> survivingDirs = new TreeSet<>(dirs);
        for (int i = pending.size() - 1; i >= 0; i--) {
            switch (pending.get(i)) {
                case Created(String path, boolean directory) -> {
                    survivingFiles.remove(path);
                    if (directory) {
                        removeTree(survivingFiles, survivingDirs, path);
                    }
                }
                case Deleted(String path, FileState file) -> {
                    if (file == null) {
                        survivingDirs.add(path);
                    } else {
                        survivingFiles.put(path, file);
                    }
                }
                case Renamed(String from, String to) -> moveTree(survivingFiles, survivingDirs, to, from);
            }
        }
        FaultyDisk after = new FaultyDisk();
        for (String d : survivingDirs) {
            if (d.isEmpty() || survivingDirs.contains(parent(d))) {
                after.dirs.add(d);
            }
        }
        after.dirs.removeIf(d -> !d.isEmpty() && !reachable(after.dirs, d));
        survivingFiles.forEach((path, f) -> {
            if (!after.dirs.contains(parent(path))) {
                return;
            }
            FileState copy = new FileState();
            int keep = f.synced + keptOfUnsynced.applyAsInt(f.length - f.synced);
            copy.append(f.data, 0, Math.min(keep, f.length));
            copy.synced = copy.length;
            after.files.put(path, copy);
        });
        dead = true;
        return after;
    }

    private static boolean reachable(Set<String> dirs, String d) {
        for (String p = d; !p.isEmpty(); p = parent(p)) {
            if (!dirs.contains(p)) {
                return false;
            }
        }
        return true;
    }

    private static void removeTree(Map<String, FileState> files, Set<String> dirs, String path) {
        String prefix = path + "/";
        files.keySet().removeIf(p -> p.startsWith(prefix));
        dirs.removeIf(d -> d.equals(path) || d.startsWith(prefix));
    }

    private static void moveTree(Map<String, FileState> files, Set<String> dirs, String from, String to) {
        String prefix = from + "/";
        FileState f = files.remove(from);
        if (f != null) {
            files.put(to, f);
        }
        for (String p : new ArrayList<>(files.keySet())) {
            if (p.startsWith(prefix)) {
                files.put(to + "/" + p.substring(prefix.length()), files.remove(p));
            }
        }
        if (dirs.remove(from)) {
            dirs.add(to);
        }
        for (String d : new ArrayList<>(dirs)) {
            if (d.startsWith(prefix)) {
                dirs.remove(d);
                dirs.add(to + "/" + d.substring(prefix.length()));
            }
        }
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** XORs a byte of a file, durable content included: bit rot. */
    synchronized void corrupt(String path, int offset, int mask) {
        FileState f = files.get(path);
        f.data[offset] ^= (byte) mask;
    }

    synchronized byte[] bytes(String path) {
        FileState f = files.get(path);
        return f == null ? null : f.content();
    }

    /** Every file, by path. */
    synchronized Set<String> paths() {
        return new TreeSet<>(files.keySet());
    }

    /** Every directory but the root. */
    synchronized Set<String> directories() {
        TreeSet<String> all = new TreeSet<>(dirs);
        all.remove("");
        return all;
    }

    /** Overwrites a file in place, durably, creating its directories; for tests that fabricate bad files. */
    synchronized void put(String path, byte[] content) {
        for (String d = parent(path); !d.isEmpty(); d = parent(d)) {
            dirs.add(d);
        }
        FileState f = new FileState();
        f.append(content, 0, content.length);
        f.synced = f.length;
        files.put(path, f);
    }

    /** Total bytes of the files under {@code dir}. */
    synchronized long bytesUnder(String dir) {
        long total = 0;
        for (Map.Entry<String, FileState> e : files.entrySet()) {
            if (e.getKey().startsWith(dir + "/")) {
                total += e.getValue().length;
            }
        }
        return total;
    }

    @Override
    public synchronized List<String> list(String dir) throws IOException {
        alive();
        String prefix = dir.isEmpty() ? "" : dir + "/";
        TreeSet<String> names = new TreeSet<>();
        for (String p : files.keySet()) {
            if (p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0) {
                names.add(p.substring(prefix.length()));
            }
        }
        for (String d : dirs) {
            if (d.startsWith(prefix) && d.length() > prefix.length() && d.indexOf('/', prefix.length()) < 0) {
                names.add(d.substring(prefix.length()));
            }
        }
        return new ArrayList<>(names);
    }

    @Override
    public synchronized boolean isDirectory(String path) throws IOException {
        alive();
        return dirs.contains(path);
    }

    @Override
    public synchronized void createDirectories(String dir) throws IOException {
        change("mkdir", dir);
        String path = "";
        for (String part : dir.split("/")) {
            path = path.isEmpty() ? part : path + "/" + part;
            if (files.containsKey(path)) {
                throw new IOException(path + " is a file");
            }
            if (dirs.add(path)) {
                pending.add(new Created(path, true));
            }
        }
    }

    @Override
    public synchronized AppendableFile create(String path) throws IOException {
        change("create", path);
        if (files.containsKey(path) || dirs.contains(path)) {
            throw new IOException(path + " exists");
        }
        if (!dirs.contains(parent(path))) {
            throw new IOException(parent(path) + ": no such directory");
        }
        FileState f = new FileState();
        files.put(path, f);
        pending.add(new Created(path, false));
        return new AppendableFile() {
            @Override
            public void write(ByteBuffer buffer) throws IOException {
                synchronized (FaultyDisk.this) {
                    change("write", path);
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    int fits = (int) Math.min(bytes.length, writableBytes);
                    f.append(bytes, 0, fits);
                    writableBytes -= fits;
                    if (fits < bytes.length) {
                        throw new IOException("No space left on device (injected)");
                    }
                }
            }

            @Override
            public void sync() throws IOException {
                synchronized (FaultyDisk.this) {
                    change("sync", path);
                    syncCount++;
                    if (syncsUntilFailure > 0 && --syncsUntilFailure == 0) {
                        syncsUntilFailure = 1; // stays broken
                        throw new IOException("Input/output error (injected fsync failure)");
                    }
                    f.synced = f.length;
                }
            }

            @Override
            public long size() {
                synchronized (FaultyDisk.this) {
                    return f.length;
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public synchronized byte[] readAll(String path) throws IOException {
        alive();
        return file(path).content();
    }

    @Override
    public synchronized MappedFile map(String path) throws IOException {
        alive();
        byte[] copy = file(path).content();
        ByteBuffer buffer = ByteBuffer.wrap(copy).asReadOnlyBuffer();
        openMappings++;
        return new MappedFile() {
            private boolean closed;

            @Override
            public ByteBuffer buffer() {
                return buffer;
            }

            @Override
            public void close() {
                synchronized (FaultyDisk.this) {
                    if (!closed) {
                        closed = true;
                        openMappings--;
                        Arrays.fill(copy, (byte) 0); // a read after release sees garbage
                    }
                }
            }
        };
    }

    @Override
    public synchronized long size(String path) throws IOException {
        alive();
        return file(path).length;
    }

    @Override
    public synchronized void truncate(String path, long size) throws IOException {
        change("truncate", path);
        FileState f = file(path);
        f.length = (int) Math.min(size, f.length);
        f.synced = f.length;
    }

    @Override
    public synchronized void delete(String path) throws IOException {
        change("delete", path);
        FileState f = files.remove(path);
        if (f != null) {
            pending.add(new Deleted(path, f));
            return;
        }
        if (dirs.contains(path)) {
            if (!list(path).isEmpty()) {
                throw new IOException(path + ": directory not empty");
            }
            dirs.remove(path);
            pending.add(new Deleted(path, null));
        }
    }

    @Override
    public synchronized void move(String from, String to) throws IOException {
        change("move", from);
        boolean isFile = files.containsKey(from);
        if (!isFile && !dirs.contains(from) || files.containsKey(to) || dirs.contains(to)
                || !dirs.contains(parent(to))) {
            throw new IOException("cannot move " + from + " to " + to);
        }
        moveTree(files, dirs, from, to);
        pending.add(new Renamed(from, to));
    }

    @Override
    public synchronized void syncDirectory(String dir) throws IOException {
        change("syncDirectory", dir);
        if (!dirs.contains(dir)) {
            throw new IOException(dir + ": no such directory");
        }
        pending.removeIf(p -> p.syncedBy().equals(dir));
    }

    @Override
    public void close() {
    }

    private FileState file(String path) throws IOException {
        FileState f = files.get(path);
        if (f == null) {
            throw new IOException(path + ": no such file");
        }
        return f;
    }

    private void alive() throws IOException {
        if (dead) {
            throw new IOException("the machine crashed (injected)");
        }
    }

    /** Before every operation that changes the disk: counts down to a power cut, or watches for its moment. */
    private void change(String operation, String path) throws IOException {
        alive();
        if (operationsUntilPowerCut == 0 || operation.equals(cutOperation) && path.startsWith(cutPrefix)) {
            dead = true;
            powerCut = true;
            throw new IOException("the power went (injected)");
        }
        if (operationsUntilPowerCut > 0) {
            operationsUntilPowerCut--;
        }
    }

    /** For debugging a failing test: the files and their sizes. */
    @Override
    public synchronized String toString() {
        TreeMap<String, Integer> sizes = new TreeMap<>();
        files.forEach((p, f) -> sizes.put(p, f.length));
        return "FaultyDisk" + sizes;
    }
}
