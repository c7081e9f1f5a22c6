package tocsin.tsdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The bytes shared by a block's three files ({@code docs/format/block-*.md}): magic numbers, the version, chunk
 * references, and readers and writers of the varints and fixed-width integers they are made of. All integers are
 * big-endian; varints are as in the WAL. Stateless; thread-safe.
 */
final class BlockFormat {
    /** "TBMT", "TBIX", "TBCH": the first four bytes of a block's meta, index and chunk segment files. */
    static final int META_MAGIC = 0x5442_4D54;
    static final int INDEX_MAGIC = 0x5442_4958;
    static final int CHUNKS_MAGIC = 0x5442_4348;
    /** 2: chunk encoding 2 ({@link DecimalChunk}) may appear; version 1 blocks (XOR only) are read as well. */
    static final byte VERSION = 2;
    /** magic (4) + version (1) + reserved (3). */
    static final int HEADER_BYTES = 8;

    static final String META = "meta";
    static final String INDEX = "index";
    static final String CHUNKS = "chunks";
    static final String TEMPORARY_SUFFIX = ".tmp";
    static final String DELETED_SUFFIX = ".deleted";
    static final String CORRUPT_SUFFIX = ".corrupt";

    /** {@link XorChunk}: the head's encoding, and the blocks' for values that are not short decimals. */
    static final byte XOR_ENCODING = 1;
    /** {@link DecimalChunk}: decimal mantissas and timestamps as varint differences, DEFLATE-compressed. */
    static final byte DECIMAL_ENCODING = 2;
    /** Chunk segment files are cut before they pass this size (as Prometheus), so that each can be mapped. */
    static final long DEFAULT_CHUNK_SEGMENT_BYTES = 512L << 20;
    /** Mapping works on int offsets; the index (and each chunk segment) stays below this. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE;

    private BlockFormat() {
    }

    static byte[] header(int magic) {
        byte[] h = new byte[HEADER_BYTES];
        WalFormat.putInt(h, 0, magic);
        h[4] = VERSION;
        return h;
    }

    /** The name of chunk segment {@code n} (from 1): six decimal digits. */
    static String chunkSegmentName(int n) {
        return String.format("%06d", n);
    }

    /** A chunk reference: the segment number in the high 32 bits, the entry's offset in the low 32. */
    static long chunkRef(int segment, long offset) {
        return (long) segment << 32 | offset;
    }

    static int refSegment(long ref) {
        return (int) (ref >>> 32);
    }

    static int refOffset(long ref) {
        return (int) ref;
    }

    static int crc(ByteBuffer b, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(b.duplicate().limit(to).position(from));
        return (int) crc.getValue();
    }

    /** A file of a block failed its checks; the message says which and how. */
    static final class CorruptBlockException extends Exception {
        CorruptBlockException(String message) {
            super(message);
        }
    }

    /**
     * Reads varints and integers at a position of a (mapped) buffer, checking bounds so that garbage fails with
     * {@link CorruptBlockException} instead of an index error. Not thread-safe; cheap to make.
     */
    static final class Reader {
        private final ByteBuffer b;
        private final String file;
        int pos;

        Reader(ByteBuffer b, String file, int pos) {
            this.b = b;
            this.file = file;
            this.pos = pos;
        }

        int u8() throws CorruptBlockException {
            need(1);
            return b.get(pos++) & 0xFF;
        }

        int u32() throws CorruptBlockException {
            need(4);
            int v = b.getInt(pos);
            pos += 4;
            return v;
        }

        long i64() throws CorruptBlockException {
            need(8);
            long v = b.getLong(pos);
            pos += 8;
            return v;
        }

        long uvarint() throws CorruptBlockException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int x = u8();
                v |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new CorruptBlockException(file + ": varint longer than 10 bytes at " + pos);
        }

        long varint() throws CorruptBlockException {
            long u = uvarint();
            return (u >>> 1) ^ -(u & 1);
        }

        /** A uvarint that must fit an int and be at most {@code max}. */
        int bounded(long max, String what) throws CorruptBlockException {
            long v = uvarint();
            if (v < 0 || v > max) {
                throw new CorruptBlockException(file + ": " + what + " " + v + " out of range (at most " + max
                        + ") at " + pos);
            }
            return (int) v;
        }

        String string() throws CorruptBlockException {
            int n = bounded(b.limit() - pos, "string length");
            byte[] bytes = new byte[n];
            b.get(pos, bytes);
            pos += n;
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private void need(int n) throws CorruptBlockException {
            if (pos < 0 || pos > b.limit() - n) {
                throw new CorruptBlockException(file + ": read of " + n + " bytes at " + pos + " runs past the end ("
                        + b.limit() + " bytes)");
            }
        }
    }

    /** What {@link #writeDurably} puts in a file. */
    @FunctionalInterface
    interface Content {
        void write(Writer out) throws IOException;
    }

    /**
     * Writes {@code dir/name} so that a crash leaves either nothing or the whole file: the content goes to
     * {@code name.tmp} (one a crash left behind is deleted first), which is synced, renamed to {@code name}, and the
     * directory synced. If writing fails the temporary file is deleted and the exception rethrown.
     *
     * @return the bytes written
     */
    static long writeDurably(Disk disk, String dir, String name, Content content) throws IOException {
        String tmp = dir + "/" + name + TEMPORARY_SUFFIX;
        disk.delete(tmp);
        long written;
        try (Writer out = new Writer(disk, tmp)) {
            content.write(out);
            out.sync();
            written = out.position();
        } catch (IOException | RuntimeException e) {
            try {
                disk.delete(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        disk.move(tmp, dir + "/" + name);
        disk.syncDirectory(dir);
        return written;
    }

    /**
     * Writes a file sequentially through a 1 MiB buffer, counting its position and its CRC32C from the start.
     * Not thread-safe.
     */
    static final class Writer implements AutoCloseable {
        private final Disk.AppendableFile file;
        private final String path;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        private final CRC32C crc = new CRC32C();
        private long flushed;

        Writer(Disk disk, String path) throws IOException {
            this.file = disk.create(path);
            this.path = path;
        }

        long position() {
            return flushed + buffer.position();
        }

        /** The CRC32C of every byte written so far. */
        int crc() throws IOException {
            flush();
            return (int) crc.getValue();
        }

        void bytes(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                int n = Math.min(len, buffer.remaining());
                buffer.put(b, off, n);
                off += n;
                len -= n;
            }
        }

        void bytes(byte[] b) throws IOException {
            bytes(b, 0, b.length);
        }

        void u8(int v) throws IOException {
            ensure(1);
            buffer.put((byte) v);
        }

        void u32(int v) throws IOException {
            ensure(4);
            buffer.putInt(v);
        }

        void i64(long v) throws IOException {
            ensure(8);
            buffer.putLong(v);
        }

        void uvarint(long v) throws IOException {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buffer.put((byte) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            buffer.put((byte) v);
        }

        void varint(long v) throws IOException {
            uvarint((v << 1) ^ (v >> 63));
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            uvarint(b.length);
            bytes(b);
        }

        /** Flushes, checks the size limit and syncs. */
        void sync() throws IOException {
            flush();
            if (flushed > MAX_FILE_BYTES) {
                throw new IOException(path + " would be " + flushed + " bytes; a block file is limited to 2 GiB");
            }
            file.sync();
        }

        private void ensure(int n) throws IOException {
            if (buffer.remaining() < n) {
                flush();
            }
        }

        private void flush() throws IOException {
            buffer.flip();
            crc.update(buffer.duplicate());
            flushed += buffer.remaining();
            file.write(buffer);
            buffer.clear();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
