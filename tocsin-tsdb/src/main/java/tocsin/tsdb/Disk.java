package tocsin.tsdb;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The file operations the store uses, behind an interface so that tests can fail a sync, tear a write or crash the
 * machine (Lucene's {@code MockDirectoryWrapper}). Paths are relative, {@code /}-separated, inside the store's
 * directory. {@link FileDisk} is the real one.
 *
 * <p>The durability model the store relies on, and that the test disk enforces: bytes written to a file survive a
 * crash only once {@link AppendableFile#sync()} returned; a new file, a rename or a deletion survives only once
 * {@link #syncDirectory} on its directory returned. Implementations are thread-safe; one {@link AppendableFile} is
 * used by one thread at a time.
 */
interface Disk extends Closeable {

    /** A file being appended to. */
    interface AppendableFile extends Closeable {
        /** Writes all remaining bytes of {@code buffer} at the end of the file. */
        void write(ByteBuffer buffer) throws IOException;

        /** Makes everything written so far durable (fdatasync). */
        void sync() throws IOException;

        long size();
    }

    /**
     * A read-only view of a whole file. The mapping stays valid until it is unreachable (Java 21 cannot unmap
     * eagerly without {@code sun.misc.Unsafe}); {@link #close()} tells the disk the owner is done with it.
     */
    interface MappedFile extends Closeable {
        /** The file's bytes, position 0, limit the file's size; callers use absolute gets or duplicates. */
        ByteBuffer buffer();

        @Override
        void close();
    }

    /** The names of the entries of {@code dir}, files and directories, sorted; empty if it does not exist. */
    List<String> list(String dir) throws IOException;

    boolean isDirectory(String path) throws IOException;

    void createDirectories(String dir) throws IOException;

    /** Creates a new empty file, failing if it exists. */
    AppendableFile create(String path) throws IOException;

    byte[] readAll(String path) throws IOException;

    /** Maps a whole file (at most 2 GiB) for reading. */
    MappedFile map(String path) throws IOException;

    long size(String path) throws IOException;

    /** Cuts the file to {@code size} bytes and syncs it. */
    void truncate(String path, long size) throws IOException;

    /** Deletes a file or an empty directory; nothing happens if it does not exist. */
    void delete(String path) throws IOException;

    /** Deletes a file, or a directory and everything under it (not durable until its parent is synced). */
    default void deleteTree(String path) throws IOException {
        if (isDirectory(path)) {
            for (String name : list(path)) {
                deleteTree(path + "/" + name);
            }
        }
        delete(path);
    }

    /** Renames the file or directory {@code from} to {@code to} atomically, replacing nothing. */
    void move(String from, String to) throws IOException;

    /** Makes the creations, renames and deletions in {@code dir} durable. */
    void syncDirectory(String dir) throws IOException;

    /** Releases the directory lock, if any. */
    @Override
    void close() throws IOException;
}
