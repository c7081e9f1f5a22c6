package tocsin.tsdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link Disk} on the real file system, rooted at the store's directory, which it locks against a second process
 * ({@code LOCK}, an advisory {@link FileLock}). Thread-safe.
 */
final class FileDisk implements Disk {
    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private FileDisk(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens (creating if needed) and locks {@code root}. */
    static FileDisk open(Path root) {
        FileChannel channel = null;
        try {
            Files.createDirectories(root);
            channel = FileChannel.open(root.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process
            }
            if (lock == null) {
                throw new TsdbOpenException("the data directory " + root + " is in use by another process (its LOCK "
                        + "file is held); stop that process or point this one at another directory", null);
            }
            return new FileDisk(root, channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (e instanceof TsdbOpenException open) {
                throw open;
            }
            throw new TsdbOpenException("cannot open the data directory " + root + ": " + e.getMessage()
                    + "; check that it exists, is a directory and is writable", e);
        }
    }

    @Override
    public List<String> list(String dir) throws IOException {
        Path p = root.resolve(dir);
        if (!Files.isDirectory(p)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(p)) {
            List<String> names = new ArrayList<>();
            entries.forEach(e -> names.add(e.getFileName().toString()));
            names.sort(null);
            return names;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(root.resolve(path));
    }

    @Override
    public void createDirectories(String dir) throws IOException {
        Files.createDirectories(root.resolve(dir));
    }

    @Override
    public AppendableFile create(String path) throws IOException {
        FileChannel channel = FileChannel.open(root.resolve(path), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        return new AppendableFile() {
            private long size;

            @Override
            public void write(ByteBuffer buffer) throws IOException {
                while (buffer.hasRemaining()) {
                    size += channel.write(buffer);
                }
            }

            @Override
            public void sync() throws IOException {
                channel.force(false);
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public byte[] readAll(String path) throws IOException {
        return Files.readAllBytes(root.resolve(path));
    }

    @Override
    public MappedFile map(String path) throws IOException {
        MappedByteBuffer buffer;
        try (FileChannel channel = FileChannel.open(root.resolve(path), StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(path + " is " + size + " bytes; at most 2 GiB can be mapped");
            }
            buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size); // stays valid after the channel closes
        }
        return new MappedFile() {
            @Override
            public ByteBuffer buffer() {
                return buffer;
            }

            @Override
            public void close() {
                // Unmapped by the collector once unreachable; see Disk.MappedFile.
            }
        };
    }

    @Override
    public long size(String path) throws IOException {
        return Files.size(root.resolve(path));
    }

    @Override
    public void truncate(String path, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(root.resolve(path), StandardOpenOption.WRITE)) {
            channel.truncate(size);
            channel.force(true);
        }
    }

    @Override
    public void delete(String path) throws IOException {
        try {
            Files.delete(root.resolve(path));
        } catch (NoSuchFileException ignored) {
            // already gone: what the caller wanted
        }
    }

    @Override
    public void move(String from, String to) throws IOException {
        Files.move(root.resolve(from), root.resolve(to), StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void syncDirectory(String dir) throws IOException {
        try (FileChannel channel = FileChannel.open(root.resolve(dir.isEmpty() ? "." : dir),
                StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the open already failed; that error is the one to report
            }
        }
    }
}
