package tocsin.server.datadir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Properties;

/**
 * The data directory: one Tocsin process owns it at a time.
 *
 * <p>Layout (version {@value #LAYOUT_VERSION}, see the README):
 * <pre>
 *   tocsin.lock           held (fcntl lock) while a process owns the directory; holds that process's pid
 *   layout.properties     layout version, written once when the directory is created
 *   state/tocsin.db       configuration and incident state (embedded SQLite; absent with --database-url)
 *   initial-credentials   generated bootstrap secrets, mode 0600, written once
 * </pre>
 *
 * <p>The lock is an OS file lock: it is released when the process dies, even by {@code kill -9}, so a crash never
 * leaves a stale lock behind. A second process (or a second server in the same JVM) gets a
 * {@link DataDirException} naming the holder's pid instead of touching any file. Not thread-safe; owned by startup
 * and shutdown code.
 */
public final class DataDir implements AutoCloseable {
    public static final int LAYOUT_VERSION = 1;
    private static final String LOCK_FILE = "tocsin.lock";
    private static final String LAYOUT_FILE = "layout.properties";

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final boolean created;

    private DataDir(Path root, FileChannel lockChannel, FileLock lock, boolean created) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.created = created;
    }

    /**
     * Creates the directory when missing, takes the lock and checks the layout version.
     *
     * @param owner a note stored in the lock file for whoever finds it locked (e.g. the HTTP address)
     * @throws DataDirException with a message fit for the operator: not writable, locked, or from a newer version
     */
    public static DataDir open(Path dir, String owner) {
        return open(dir, owner, true);
    }

    /**
     * Opens an existing data directory only (for administrative commands, which must not create one).
     */
    public static DataDir openExisting(Path dir, String owner) {
        return open(dir, owner, false);
    }

    private static DataDir open(Path dir, String owner, boolean create) {
        Path root = dir.toAbsolutePath().normalize();
        boolean fresh = !Files.exists(root.resolve(LAYOUT_FILE));
        if (fresh && !create) {
            throw new DataDirException("No Tocsin data dir at " + root + ". Start the server on it once first "
                    + "(bin/tocsin server --data-dir " + dir + "), or pass the right --data-dir.");
        }
        try {
            Files.createDirectories(root);
        } catch (FileAlreadyExistsException | NotDirectoryException e) {
            throw new DataDirException("Data dir " + root + " cannot be created: a file is in the way ("
                    + e.getFile() + "). Choose another --data-dir.");
        } catch (AccessDeniedException e) {
            throw new DataDirException("Data dir " + root + " cannot be created: permission denied on "
                    + e.getFile() + ". Choose a writable --data-dir or fix its permissions.");
        } catch (java.nio.file.FileSystemException e) {
            boolean fileInTheWay = e.getReason() != null && e.getReason().contains("Not a directory");
            throw new DataDirException("Data dir " + root + " cannot be created: "
                    + (fileInTheWay ? "a file is in the way" : e.getReason()) + " (" + e.getFile()
                    + "). Choose another --data-dir.");
        } catch (IOException e) {
            throw new DataDirException("Data dir " + root + " cannot be created: " + e.getMessage());
        }
        if (!Files.isDirectory(root)) {
            throw new DataDirException("Data dir " + root + " is not a directory. Choose another --data-dir.");
        }
        if (!Files.isWritable(root)) {
            throw new DataDirException("Data dir " + root + " is not writable by this user. "
                    + "Choose a writable --data-dir or fix its permissions.");
        }

        Path lockPath = root.resolve(LOCK_FILE);
        FileChannel channel;
        try {
            channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
        } catch (AccessDeniedException e) {
            throw new DataDirException("Data dir " + root + " is not writable: cannot open " + lockPath);
        } catch (IOException e) {
            throw new DataDirException("Data dir " + root + ": cannot open " + lockPath + ": " + e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DataDirException("Data dir " + root + ": cannot lock " + lockPath + ": " + e);
        }
        if (lock == null) {
            String holder = readHolder(lockPath);
            closeQuietly(channel);
            throw new DataDirException("Data dir " + root + " is in use by another Tocsin process"
                    + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + ". Stop that process first, or start this one with a different --data-dir.");
        }
        try {
            writeHolder(channel, owner);
            if (fresh) {
                writeLayout(root);
            } else {
                checkLayout(root);
            }
        } catch (IOException | RuntimeException e) {
            releaseQuietly(lock);
            closeQuietly(channel);
            if (e instanceof DataDirException d) {
                throw d;
            }
            throw new DataDirException("Data dir " + root + " cannot be initialised: " + e);
        }
        return new DataDir(root, channel, lock, fresh);
    }

    public Path root() {
        return root;
    }

    /** True when this process created the directory's layout: a first start. */
    public boolean created() {
        return created;
    }

    public Path resolve(String name) {
        return root.resolve(name);
    }

    @Override
    public void close() {
        releaseQuietly(lock);
        closeQuietly(lockChannel);
    }

    private static void writeHolder(FileChannel channel, String owner) throws IOException {
        String text = "pid=" + ProcessHandle.current().pid() + " started=" + Instant.now() + " " + owner + "\n";
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
    }

    private static String readHolder(Path lockPath) {
        try {
            return Files.readString(lockPath, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void writeLayout(Path root) throws IOException {
        Properties p = new Properties();
        p.setProperty("layout", Integer.toString(LAYOUT_VERSION));
        p.setProperty("created", Instant.now().toString());
        Path tmp = root.resolve(LAYOUT_FILE + ".tmp");
        try (var out = Files.newOutputStream(tmp)) {
            p.store(out, "Tocsin data directory. Do not edit.");
        }
        Files.move(tmp, root.resolve(LAYOUT_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void checkLayout(Path root) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(root.resolve(LAYOUT_FILE))) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return;
        }
        int version;
        try {
            version = Integer.parseInt(p.getProperty("layout", "").trim());
        } catch (NumberFormatException e) {
            throw new DataDirException("Data dir " + root + ": " + LAYOUT_FILE + " is damaged (no layout version)");
        }
        if (version > LAYOUT_VERSION) {
            throw new DataDirException("Data dir " + root + " was written by a newer Tocsin (layout " + version
                    + ", this version understands up to " + LAYOUT_VERSION + "). Upgrade Tocsin.");
        }
    }

    private static void releaseQuietly(FileLock lock) {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
