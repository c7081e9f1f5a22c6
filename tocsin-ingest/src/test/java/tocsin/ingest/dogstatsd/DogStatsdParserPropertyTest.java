package tocsin.ingest.dogstatsd;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestLimits;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.NOW;
import static tocsin.ingest.Fixtures.bytes;

class DogStatsdParserPropertyTest {
    private final DogStatsdParser parser = new DogStatsdParser(CLOCK, IngestLimits.datadog(), true);

    @Property(tries = 1000)
    void neverThrowsOnArbitraryBytes(@ForAll @Size(max = 300) byte[] datagram) {
        ParsedDatagram d = parser.parse(datagram);
        assertThat(d.rejections()).allSatisfy(r -> assertThat(r.item()).matches("line \\d+"));
        assertThat(d.rejections()).noneMatch(r -> r.reason().startsWith("could not be parsed"));
    }

    @Property(tries = 1000)
    void neverThrowsOnDamagedRealDatagrams(@ForAll("damaged") byte[] datagram) {
        ParsedDatagram d = parser.parse(datagram);
        assertThat(d.rejections()).noneMatch(r -> r.reason().startsWith("could not be parsed"));
    }

    @Property(tries = 500)
    void neverThrowsOnStructuredGarbage(@ForAll("garbageLines") String datagram) {
        ParsedDatagram d = parser.parse(datagram.getBytes(StandardCharsets.UTF_8));
        assertThat(d.rejections()).noneMatch(r -> r.reason().startsWith("could not be parsed"));
    }

    @Property(tries = 500)
    void validLinesRoundTrip(@ForAll("lines") List<Line> lines) {
        StringBuilder datagram = new StringBuilder();
        List<DogStatsdSample> expected = new ArrayList<>();
        for (Line l : lines) {
            datagram.append(l.format()).append('\n');
            expected.addAll(l.samples());
        }
        ParsedDatagram d = parser.parse(datagram.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(d.rejections()).isEmpty();
        assertThat(d.samples()).containsExactlyElementsOf(expected);
    }

    @Property
    void decimalsParseLikeTheJdk(@ForAll("decimals") String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        assertThat(AsciiNumbers.isDecimal(b, 0, b.length)).isTrue();
        assertThat(AsciiNumbers.parse(b, 0, b.length)).isEqualTo(Double.parseDouble(s));
    }

    @Property
    void doublesRoundTripThroughTheirShortestForm(@ForAll double v, @ForAll @IntRange(max = 2) int form) {
        if (!Double.isFinite(v)) {
            return;
        }
        String s = switch (form) {
            case 0 -> Double.toString(v);
            case 1 -> new java.math.BigDecimal(v).toPlainString();
            default -> String.format(java.util.Locale.ROOT, "%.6f", v);
        };
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        assertThat(AsciiNumbers.isDecimal(b, 0, b.length)).as(s).isTrue();
        assertThat(AsciiNumbers.parse(b, 0, b.length)).isEqualTo(Double.parseDouble(s));
    }

    /** One generated metric line and what it must parse to. */
    record Line(String name, DogStatsdType type, List<Double> values, String member, double rate, List<String> tags,
                long seconds) {
        String format() {
            StringBuilder b = new StringBuilder(name).append(':');
            if (type == DogStatsdType.SET) {
                b.append(member);
            } else {
                for (int i = 0; i < values.size(); i++) {
                    b.append(i == 0 ? "" : ":").append(values.get(i));
                }
            }
            b.append('|').append(type.symbol());
            if (rate != 1.0) {
                b.append("|@").append(rate);
            }
            if (!tags.isEmpty()) {
                b.append("|#").append(String.join(",", tags));
            }
            if (seconds > 0) {
                b.append("|T").append(seconds);
            }
            return b.toString();
        }

        List<DogStatsdSample> samples() {
            SeriesKey key = SeriesKey.of(name, tags);
            if (type == DogStatsdType.SET) {
                return List.of(new DogStatsdSample(key, type, 0, 1, DogStatsdParser.NO_TIMESTAMP, member));
            }
            boolean ts = seconds > 0 && (type == DogStatsdType.GAUGE || type == DogStatsdType.COUNT);
            return values.stream().map(v -> new DogStatsdSample(key, type, v, rate,
                    ts ? seconds * 1000 : DogStatsdParser.NO_TIMESTAMP, null)).toList();
        }
    }

    @Provide
    Arbitrary<List<Line>> lines() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
        Arbitrary<String> alnum = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1)
                .ofMaxLength(6);
        Arbitrary<String> name = Combinators.combine(word, alnum.list().ofMaxSize(3),
                        Arbitraries.of(".", "_"))
                .as((first, rest, sep) -> first + (rest.isEmpty() ? "" : sep + String.join(sep, rest)));
        Arbitrary<String> tag = Combinators.combine(word, alnum, Arbitraries.of(":", "_", "-", "/", "."))
                .as((k, v, sep) -> k + sep + v);
        Arbitrary<Double> value = Arbitraries.oneOf(
                Arbitraries.integers().between(-1_000_000, 1_000_000).map(Integer::doubleValue),
                Arbitraries.doubles().between(-1e12, 1e12),
                Arbitraries.doubles().between(-1e-6, 1e-6).ofScale(12));
        Arbitrary<Double> rate = Arbitraries.oneOf(Arbitraries.just(1.0),
                Arbitraries.doubles().between(0.001, 1.0).ofScale(6));
        Arbitrary<String> member = Arbitraries.strings().withCharRange('!', '{').ofMinLength(1).ofMaxLength(10)
                .filter(m -> m.indexOf('|') < 0);
        Arbitrary<Long> seconds = Arbitraries.oneOf(Arbitraries.just(0L),
                Arbitraries.longs().between(NOW.getEpochSecond() - 3000, NOW.getEpochSecond() + 500));
        Arbitrary<Line> line = Combinators.combine(name, Arbitraries.of(DogStatsdType.class),
                        value.list().ofMinSize(1).ofMaxSize(4), member, rate, tag.list().ofMaxSize(4), seconds)
                .as((n, t, vs, m, r, tags, s) -> new Line(n, t, vs, t == DogStatsdType.SET ? m : null,
                        t == DogStatsdType.SET ? 1.0 : r, tags, s));
        return line.list().ofMinSize(1).ofMaxSize(8);
    }

    @Provide
    Arbitrary<byte[]> damaged() {
        byte[] real = bytes("dogstatsd/java-dogstatsd-client-4.4.5.datagram");
        Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, real.length)
                .map(n -> java.util.Arrays.copyOf(real, n));
        Arbitrary<byte[]> flipped = Combinators.combine(Arbitraries.integers().between(0, real.length - 1)
                        .list().ofMinSize(1).ofMaxSize(8), Arbitraries.bytes().list().ofSize(8))
                .as((positions, bytes) -> {
                    byte[] copy = real.clone();
                    for (int i = 0; i < positions.size(); i++) {
                        copy[positions.get(i)] = bytes.get(i);
                    }
                    return copy;
                });
        return Arbitraries.oneOf(truncated, flipped);
    }

    @Provide
    Arbitrary<String> garbageLines() {
        return Arbitraries.strings().withChars("_esc{}0123456789,:|#@Tcgmshd.-\n\\ é").ofMaxLength(80);
    }

    @Provide
    Arbitrary<String> decimals() {
        Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(25);
        Arbitrary<String> maybeDigits = Arbitraries.strings().numeric().ofMaxLength(25);
        Arbitrary<String> exponent = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.integers().between(-330, 330).map(e -> "e" + e));
        return Combinators.combine(Arbitraries.of("", "-", "+"), digits, maybeDigits, exponent)
                .as((sign, i, f, e) -> sign + i + (f.isEmpty() ? "" : "." + f) + e);
    }
}
