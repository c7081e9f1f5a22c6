package tocsin.tsdb;

/**
 * An immutable run of samples encoded as {@link XorChunk} describes. A sealed chunk owns its bytes; a snapshot of an
 * open chunk shares them with the chunk being appended to, which never changes the bits a snapshot covers.
 *
 * @param minTime the first sample's timestamp
 * @param maxTime the last sample's timestamp
 * @param count   how many samples the stream holds
 * @param bytes   the bit stream, possibly with unused capacity at the end; never modified through this record
 */
record Chunk(long minTime, long maxTime, int count, byte[] bytes) {

    boolean overlaps(long min, long max) {
        return count > 0 && minTime <= max && maxTime >= min;
    }

    ChunkIterator iterator() {
        return new ChunkIterator(bytes, count);
    }
}
