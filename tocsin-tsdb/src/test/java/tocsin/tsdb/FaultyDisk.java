package tocsin.tsdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;

/**
 * An in-memory {@link Disk} that remembers what is durable and can fail or crash, after Lucene's
 * {@code MockDirectoryWrapper}:
 * <ul>
 *   <li>bytes are durable once their file was synced; a file's existence once its directory was synced after it was
 *       created (deletions likewise);</li>
 *   <li>{@link #failSyncs(int)}: the n-th next sync throws, and so does every later one (a dying disk);</li>
 *   <li>{@link #failWritesAfter(long)}: the disk fills up after so many more bytes, mid-write;</li>
 *   <li>{@link #crash(Random, boolean)}: the machine loses power. The returned disk holds what was durable, plus,
 *       when {@code tear} is set, a random prefix of each file's unsynced bytes (a torn write). This disk is dead
 *       afterwards: every operation on it throws.</li>
 * </ul>
 * Renames are taken as durable at once (only the WAL repair renames). Thread-safe.
 */
final class FaultyDisk implements Disk {

    private static final class FileState {
        byte[] data = new byte[0];
        int length;
        int synced;
        /** Whether the directory entry survives a crash. */
        boolean entryDurable;

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

    private final Map<String, FileState> files = new HashMap<>();
    /** Files deleted whose deletion is not durable yet: a crash brings them back. */
    private final Map<String, FileState> deletedPendingSync = new HashMap<>();
    private final Set<String> dirs = new HashSet<>();
    private boolean dead;
    private int syncsUntilFailure = -1;
    private long writableBytes = Long.MAX_VALUE;
    private int syncCount;

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

    synchronized int syncCount() {
        return syncCount;
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
        FaultyDisk after = new FaultyDisk();
        after.dirs.addAll(dirs);
        Map<String, FileState> survivors = new HashMap<>(deletedPendingSync);
        files.forEach((path, f) -> {
            if (f.entryDurable) {
                survivors.put(path, f);
            }
        });
        survivors.forEach((path, f) -> {
            FileState copy = new FileState();
            int keep = f.synced + keptOfUnsynced.applyAsInt(f.length - f.synced);
            copy.append(f.data, 0, Math.min(keep, f.length));
            copy.synced = copy.length;
            copy.entryDurable = true;
            after.files.put(path, copy);
        });
        dead = true;
        return after;
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

    synchronized Set<String> paths() {
        return new TreeSet<>(files.keySet());
    }

    /** Overwrites a file in place, durably; for tests that fabricate bad files. */
    synchronized void put(String path, byte[] content) {
        FileState f = new FileState();
        f.append(content, 0, content.length);
        f.synced = f.length;
        f.entryDurable = true;
        files.put(path, f);
    }

    @Override
    public synchronized List<String> list(String dir) throws IOException {
        alive();
        String prefix = dir.isEmpty() ? "" : dir + "/";
        TreeSet<String> names = new TreeSet<>();
        for (String p : files.keySet()) {
            if (p.startsWith(prefix)) {
                String rest = p.substring(prefix.length());
                int slash = rest.indexOf('/');
                names.add(slash < 0 ? rest : rest.substring(0, slash));
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
    public synchronized void createDirectories(String dir) throws IOException {
        alive();
        String[] parts = dir.split("/");
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            path.append(path.isEmpty() ? "" : "/").append(part);
            dirs.add(path.toString());
        }
    }

    @Override
    public synchronized AppendableFile create(String path) throws IOException {
        alive();
        if (files.containsKey(path)) {
            throw new IOException(path + " exists");
        }
        FileState f = new FileState();
        files.put(path, f);
        return new AppendableFile() {
            @Override
            public void write(ByteBuffer buffer) throws IOException {
                synchronized (FaultyDisk.this) {
                    alive();
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
                    alive();
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
    public synchronized long size(String path) throws IOException {
        alive();
        return file(path).length;
    }

    @Override
    public synchronized void truncate(String path, long size) throws IOException {
        alive();
        FileState f = file(path);
        f.length = (int) Math.min(size, f.length);
        f.synced = f.length;
    }

    @Override
    public synchronized void delete(String path) throws IOException {
        alive();
        FileState f = files.remove(path);
        if (f != null && f.entryDurable) {
            deletedPendingSync.put(path, f);
        }
    }

    @Override
    public synchronized void move(String from, String to) throws IOException {
        alive();
        FileState f = files.remove(from);
        if (f == null || files.containsKey(to)) {
            throw new IOException("cannot move " + from + " to " + to);
        }
        files.put(to, f);
    }

    @Override
    public synchronized void syncDirectory(String dir) throws IOException {
        alive();
        String prefix = dir.isEmpty() ? "" : dir + "/";
        files.forEach((path, f) -> {
            if (path.startsWith(prefix) && path.indexOf('/', prefix.length()) < 0) {
                f.entryDurable = true;
            }
        });
        deletedPendingSync.keySet().removeIf(p -> p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0);
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
}
