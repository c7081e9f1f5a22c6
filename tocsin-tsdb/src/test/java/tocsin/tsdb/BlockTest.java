package tocsin.tsdb;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The block files on their own: what {@link BlockWriter} writes, {@link Block} reads back, and what it refuses. */
class BlockTest {
    static final long T0 = 1_700_000_000_000L;
    static final BlockId ID = BlockId.create(T0, new Random(7));
    static final String DIR = "blocks/" + ID;

    /** Samples per series: key → chunks. */
    private final TreeMap<SeriesKey, List<Chunk>> data = new TreeMap<>();

    private FaultyDisk writeBlock(long segmentBytes) throws Exception {
        Random random = new Random(42);
        String[] hosts = {"web-1", "web-2", "db-1", "lb-1"};
        for (String metric : List.of("http.requests", "system.load.1", "ünïcode.metric")) {
            for (String host : hosts) {
                List<String> tags = new ArrayList<>(List.of("host:" + host, "env:" + (host.startsWith("db")
                        ? "staging" : "prod")));
                if (host.equals("web-1")) {
                    tags.add("canary");
                }
                if (host.startsWith("web")) {
                    tags.add("role:web");
                    tags.add("role:" + (host.equals("web-2") ? "api" : "edge"));
                }
                List<Chunk> chunks = new ArrayList<>();
                long t = T0 + random.nextInt(1000);
                for (int c = 0; c < 1 + random.nextInt(3); c++) {
                    XorChunk x = new XorChunk(0);
                    for (int i = 0; i < 1 + random.nextInt(120); i++) {
                        x.encode(t, random.nextInt(100) / 4.0);
                        t += 15_000;
                    }
                    chunks.add(x.sealChunk());
                }
                data.put(SeriesKey.of(metric, tags), chunks);
            }
        }
        FaultyDisk disk = new FaultyDisk();
        disk.createDirectories(DIR + ".tmp");
        TreeSet<String> symbols = new TreeSet<>();
        data.keySet().forEach(k -> {
            symbols.add(k.name());
            symbols.addAll(k.tags());
        });
        try (BlockWriter w = new BlockWriter(disk, DIR + ".tmp", segmentBytes, symbols)) {
            data.forEach((k, chunks) -> {
                try {
                    w.add(k, k.name().startsWith("http") ? MetricKind.COUNT : MetricKind.GAUGE, chunks);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            BlockMeta meta = w.finish(ID, T0, T0 + 7_200_000, 1, List.of());
            assertThat(meta.series()).isEqualTo(data.size());
            assertThat(meta.samples()).isEqualTo(data.values().stream().flatMap(List::stream)
                    .mapToLong(Chunk::count).sum());
        }
        disk.move(DIR + ".tmp", DIR);
        return disk;
    }

    /** Each sample as {timestamp, raw value bits}. */
    private static List<long[]> samples(List<Chunk> chunks) {
        List<long[]> out = new java.util.ArrayList<>();
        for (Chunk c : chunks) {
            for (ChunkIterator it = c.iterator(); it.next(); ) {
                out.add(new long[]{it.timestamp(), it.valueBits()});
            }
        }
        return out;
    }

    @Test
    void aBlockReadsBackEverySeriesChunkAndTermAcrossChunkSegments() throws Exception {
        FaultyDisk disk = writeBlock(200); // a chunk or two per segment
        assertThat(disk.list(DIR + "/chunks")).as("several chunk segments").hasSizeGreaterThan(3);
        Block block = Block.open(disk, DIR);
        BlockIndex index = block.index();

        assertThat(index.seriesCount()).isEqualTo(data.size());
        int ordinal = 0;
        for (var e : data.entrySet()) {
            BlockIndex.Series s = index.series(ordinal);
            assertThat(s.key()).isEqualTo(e.getKey());
            assertThat(s.kind()).isEqualTo(e.getKey().name().startsWith("http") ? MetricKind.COUNT : MetricKind.GAUGE);
            assertThat(index.find(e.getKey())).isEqualTo(ordinal);
            // The writer re-cuts and re-encodes chunks (BlockWriter.reencode): the samples must come back bit-exact.
            List<long[]> expected = samples(e.getValue());
            List<Chunk> read = new java.util.ArrayList<>();
            for (int c = 0; c < s.refs().length; c++) {
                Chunk chunk = block.chunk(s.refs()[c], s.minTimes()[c], s.maxTimes()[c]);
                assertThat(chunk).as("chunk %d of %s", c, s.key()).isNotNull();
                assertThat(chunk.minTime()).isEqualTo(s.minTimes()[c]);
                assertThat(chunk.maxTime()).isEqualTo(s.maxTimes()[c]);
                assertThat(chunk.count()).isLessThanOrEqualTo(BlockWriter.SAMPLES_PER_CHUNK);
                read.add(chunk);
            }
            assertThat(samples(read)).usingRecursiveFieldByFieldElementComparator().isEqualTo(expected);
            ordinal++;
        }
        assertThat(index.find(SeriesKey.of("http.requests", "host:nowhere"))).isEqualTo(-1);
        assertThat(index.metricNames()).containsExactly("http.requests", "system.load.1", "ünïcode.metric");
        assertThat(index.tagKeys("http.requests")).containsExactly("canary", "env", "host", "role");
        assertThat(index.tagValues("http.requests", "role")).containsExactly("api", "edge", "web");
        assertThat(index.tagValues("http.requests", "canary")).containsExactly("");
        assertThat(index.tagValues("missing", "env")).isEmpty();
        assertThat(block.corruptChunks()).isZero();
    }

    @Test
    void everyMatcherSelectsTheSameSeriesInABlockAsInTheHead() throws Exception {
        FaultyDisk disk = writeBlock(BlockFormat.DEFAULT_CHUNK_SEGMENT_BYTES);
        Block block = Block.open(disk, DIR);
        Head head = new Head(0, 0);
        data.keySet().forEach(k -> head.getOrCreate(k, MetricKind.GAUGE));
        List<List<TagMatcher>> queries = List.of(
                List.of(), List.of(new TagMatcher.Equal("env", "prod")), List.of(new TagMatcher.Equal("env", "")),
                List.of(new TagMatcher.NotEqual("role", "")), List.of(new TagMatcher.Regex("host", "web-.*")),
                List.of(new TagMatcher.Regex("role", "api|")), List.of(new TagMatcher.NotRegex("role", "web|db")),
                List.of(new TagMatcher.HasKey("canary")), List.of(new TagMatcher.MissingKey("role")),
                List.of(new TagMatcher.HasTag("role:edge")), List.of(new TagMatcher.Glob("host:??-1")),
                List.of(new TagMatcher.Glob("*:staging")),
                List.of(new TagMatcher.Not(new TagMatcher.Glob("host:web-*")), new TagMatcher.HasKey("env")));
        for (String metric : List.of("http.requests", "system.load.1", "ünïcode.metric", "absent")) {
            for (List<TagMatcher> q : queries) {
                List<SeriesKey> fromBlock = new ArrayList<>();
                for (int o : index(block).select(metric, q)) {
                    fromBlock.add(index(block).key(o));
                }
                List<SeriesKey> fromHead = new ArrayList<>();
                head.select(metric, q).forEach((int id) -> fromHead.add(head.byId(id).key));
                fromHead.sort(null);
                assertThat(fromBlock).as("%s %s", metric, q).isEqualTo(fromHead);
            }
        }
    }

    private static BlockIndex index(Block b) {
        return b.index();
    }

    @Test
    void aDamagedIndexOrMetaKeepsTheBlockFromOpeningAndANewerVersionRefusesTheStore() throws Exception {
        FaultyDisk disk = writeBlock(BlockFormat.DEFAULT_CHUNK_SEGMENT_BYTES);
        disk.corrupt(DIR + "/index", 40, 0x01);
        assertThatThrownBy(() -> Block.open(disk, DIR)).isInstanceOf(BlockFormat.CorruptBlockException.class)
                .hasMessageContaining("index body fails its CRC");
        disk.corrupt(DIR + "/index", 40, 0x01);
        Block.open(disk, DIR).release();

        disk.corrupt(DIR + "/meta", 30, 0x80);
        assertThatThrownBy(() -> Block.open(disk, DIR)).hasMessageContaining("fails its CRC");
        disk.corrupt(DIR + "/meta", 30, 0x80);

        byte[] index = disk.bytes(DIR + "/index");
        index[4] = BlockFormat.VERSION + 1;
        disk.put(DIR + "/index", index);
        assertThatThrownBy(() -> Block.open(disk, DIR)).isInstanceOf(TsdbOpenException.class)
                .hasMessageContaining("format version " + (BlockFormat.VERSION + 1));
    }

    @Test
    void aDamagedChunkIsLeftOutAndCountedWhileTheRestReads() throws Exception {
        FaultyDisk disk = writeBlock(BlockFormat.DEFAULT_CHUNK_SEGMENT_BYTES);
        Block block = Block.open(disk, DIR);
        BlockIndex.Series first = block.index().series(0);
        BlockIndex.Series second = block.index().series(1);
        int offset = BlockFormat.refOffset(first.refs()[0]);
        disk.corrupt(DIR + "/chunks/000001", offset + 6, 0x04);
        Block reopened = Block.open(disk, DIR);
        assertThat(reopened.chunk(first.refs()[0], first.minTimes()[0], first.maxTimes()[0])).isNull();
        assertThat(reopened.corruptChunks()).isEqualTo(1);
        assertThat(reopened.chunk(second.refs()[0], second.minTimes()[0], second.maxTimes()[0])).isNotNull();
        block.release();
        reopened.release();
    }

    @Test
    void aReleasedBlockHandsItsMappingsBackOnceAndOnlyOnce() throws Exception {
        FaultyDisk disk = writeBlock(200);
        Block block = Block.open(disk, DIR);
        int mappings = disk.openMappings();
        assertThat(mappings).isGreaterThan(2);
        block.acquire();
        block.release();
        assertThat(disk.openMappings()).as("a reader still holds it").isEqualTo(mappings);
        block.release();
        assertThat(disk.openMappings()).isZero();
        assertThatThrownBy(block::acquire).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void blockIdsSortByTimeAndRoundTripThroughTheirNames() {
        Random random = new Random(3);
        BlockId earlier = BlockId.create(T0, random);
        BlockId later = BlockId.create(T0 + 1, random);
        assertThat(earlier.toString()).hasSize(26).matches("[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(BlockId.parse(earlier.toString())).isEqualTo(earlier);
        assertThat(earlier.millis()).isEqualTo(T0);
        assertThat(earlier.toString().compareTo(later.toString())).isNegative();
        assertThat(earlier).isLessThan(later);
        assertThat(BlockId.parse("not-a-block")).isNull();
        assertThat(BlockId.parse(earlier + ".tmp")).isNull();
    }
}
