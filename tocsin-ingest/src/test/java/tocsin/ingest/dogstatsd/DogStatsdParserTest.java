package tocsin.ingest.dogstatsd;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.SeriesKey;
import tocsin.core.event.Event;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.ServiceCheck;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.NOW;
import static tocsin.ingest.Fixtures.bytes;
import static tocsin.ingest.Fixtures.utf8;
import static tocsin.ingest.dogstatsd.DogStatsdParser.NO_TIMESTAMP;

class DogStatsdParserTest {
    private final DogStatsdParser parser = new DogStatsdParser(CLOCK, IngestLimits.datadog());

    private ParsedDatagram parse(String datagram) {
        return parser.parse(utf8(datagram));
    }

    private static DogStatsdSample sample(String name, DogStatsdType type, double value, double rate, String... tags) {
        return new DogStatsdSample(SeriesKey.of(name, tags), type, value, rate, NO_TIMESTAMP, null);
    }

    @Test
    void parsesWhatTheJavaClientSends() {
        ParsedDatagram d = parser.parse(bytes("dogstatsd/java-dogstatsd-client-4.4.5.datagram"));
        assertThat(d.rejections()).isEmpty();
        assertThat(d.samples()).containsExactly(
                sample("smoke.g", DogStatsdType.GAUGE, 42.5, 1, "env:test", "a:b"),
                sample("smoke.c", DogStatsdType.COUNT, 3, 0.5, "env:test", "x:y"),
                sample("smoke.h", DogStatsdType.HISTOGRAM, 12, 1, "env:test"),
                sample("smoke.d", DogStatsdType.DISTRIBUTION, 1.25, 1, "env:test"));
        assertThat(d.serviceChecks()).containsExactly(
                new ServiceCheck("svc.up", ServiceCheck.Status.OK, "", List.of("env:test"), NOW, "fine"));
        assertThat(d.events()).containsExactly(new Event("smoke.deploy", "v1 -> v2", NOW, "", "",
                Event.Priority.NORMAL, "", Event.AlertType.INFO, List.of("env:test", "svc:web")));
    }

    @Test
    void everyMetricType() {
        ParsedDatagram d = parse("""
                a:1|g
                b:-2.5|c|@0.1
                c:320|ms|#Env:Prod
                d:1e3|h
                e:user-1:x|s|#k:v
                f:+4|d""");
        assertThat(d.rejections()).isEmpty();
        assertThat(d.samples()).containsExactly(
                sample("a", DogStatsdType.GAUGE, 1, 1),
                sample("b", DogStatsdType.COUNT, -2.5, 0.1),
                sample("c", DogStatsdType.TIMING, 320, 1, "env:prod"),
                sample("d", DogStatsdType.HISTOGRAM, 1000, 1),
                new DogStatsdSample(SeriesKey.of("e", "k:v"), DogStatsdType.SET, 0, 1, NO_TIMESTAMP, "user-1:x"),
                sample("f", DogStatsdType.DISTRIBUTION, 4, 1));
    }

    @Test
    void packedValuesOfProtocol11() {
        ParsedDatagram d = parse("lat:1.5:20::30|h|@0.5|#a");
        assertThat(d.samples()).extracting(DogStatsdSample::value).containsExactly(1.5, 20.0, 30.0);
        assertThat(d.samples()).allSatisfy(s -> {
            assertThat(s.sampleRate()).isEqualTo(0.5);
            assertThat(s.key()).isEqualTo(SeriesKey.of("lat", "a"));
        });
    }

    @Test
    void timestampsOfProtocol13OnGaugesAndCounts() {
        long ts = NOW.getEpochSecond() - 60;
        ParsedDatagram d = parse("g:1|g|T" + ts + "\nc:2|c|#x|T" + ts + "\nh:3|h|T" + ts
                + "\nold:1|g|T1700000000\nbad:1|g|Tsoon");
        assertThat(d.samples()).extracting(DogStatsdSample::timestampMillis)
                .containsExactly(ts * 1000, ts * 1000, NO_TIMESTAMP);
        assertThat(d.rejections()).extracting(Object::toString).containsExactly(
                "line 4: timestamp 1700000000 is more than 1h in the past",
                "line 5: timestamp \"soon\" is not a positive number of Unix seconds");
    }

    @Test
    void containerIdOfProtocol12WhenEnabled() {
        DogStatsdParser tagging = new DogStatsdParser(CLOCK, IngestLimits.datadog(), true);
        ParsedDatagram d = tagging.parse(utf8("""
                a:1|g|c:abc123
                b:1|g|#x|c:ci-def456,in-789
                c:1|g|c:in-789|e:it-false,cn-app|card:high
                d:1|g|c:cid-0a1b"""));
        assertThat(d.samples()).extracting(s -> s.key().toString()).containsExactly(
                "a{container_id:abc123}", "b{container_id:def456,x}", "c{}", "d{container_id:0a1b}");
        assertThat(parse("a:1|g|c:abc123").samples()).extracting(s -> s.key().toString()).containsExactly("a{}");
    }

    @Test
    void eachBadLineIsRejectedAndTheRestIsRead() {
        ParsedDatagram d = parse(String.join("\n",
                "ok.1:1|c",
                "nopipe",
                "nocolon|c",
                ":1|c",
                "empty:|c",
                "t:1|x",
                "v:abc|g",
                "v:NaN|g",
                "v:1e999|g",
                "v:1:two|h",
                "r:1|c|@2",
                "r:1|c|@x",
                "123:1|g",
                "n:1|g|#" + "t".repeat(201),
                "",
                "_sc|x",
                "_sc|x|9",
                "_e{5}:hello",
                "_e{0,1}:|x",
                "_e{10,10}:short|x",
                "ok.2:2|g\r"));
        assertThat(d.rejections()).extracting(Object::toString).containsExactly(
                "line 2: expected <name>:<value>|<type>, found no '|' in \"nopipe\"",
                "line 3: expected <name>:<value> before the first '|', found no ':' in \"nocolon|c\"",
                "line 4: the metric name is empty",
                "line 5: the value is empty",
                "line 6: unknown metric type \"x\"; expected g, c, ms, h, s or d",
                "line 7: value \"abc\" is not a number",
                "line 8: value \"NaN\" is not a number",
                "line 9: value \"1e999\" is not a finite number",
                "line 10: value \"two\" is not a number",
                "line 11: sample rate \"2\" is not in (0, 1]",
                "line 12: sample rate \"x\" is not a number",
                "line 13: name \"123\" has no ASCII letter to start a metric name with",
                "line 14: tags[0] \"" + "t".repeat(64) + "…\" is 201 characters long, more than the limit of 200",
                "line 16: expected _sc|<name>|<status>, found no status",
                "line 17: status \"9\" is not 0 (ok), 1 (warning), 2 (critical) or 3 (unknown)",
                "line 18: expected _e{<title length>,<text length>}:<title>|<text>",
                "line 19: the event title is empty",
                "line 20: the event's title and text do not match the lengths \"{10,10}\"");
        assertThat(d.samples()).extracting(s -> s.key().name()).containsExactly("ok.1", "ok.2");
    }

    @Test
    void serviceChecksWithEveryField() {
        ParsedDatagram d = parse("_sc|db.up|2|d:" + (NOW.getEpochSecond() - 5)
                + "|h:db-1|#Env:Prod,role:db|c:abc|m:connection refused | retrying\\nin 5s, m\\:x");
        assertThat(d.rejections()).isEmpty();
        assertThat(d.serviceChecks()).containsExactly(new ServiceCheck("db.up", ServiceCheck.Status.CRITICAL,
                "db-1", List.of("env:prod", "role:db"), NOW.minusSeconds(5),
                "connection refused | retrying\nin 5s, m:x"));
    }

    @Test
    void eventsWithEveryField() {
        String title = "Déploiement";   // 11 characters, 12 UTF-8 bytes
        String text = "v1\\nv2 ✓";      // 8 characters, 10 UTF-8 bytes
        ParsedDatagram d = parse("_e{12,10}:" + title + "|" + text + "|d:" + (NOW.getEpochSecond() - 5)
                + "|h:web-1|k:deploy-42|p:low|s:jenkins|t:success|#env:prod");
        assertThat(d.rejections()).isEmpty();
        assertThat(d.events()).containsExactly(new Event(title, "v1\nv2 ✓", NOW.minusSeconds(5), "web-1",
                "deploy-42", Event.Priority.LOW, "jenkins", Event.AlertType.SUCCESS, List.of("env:prod")));

        // an old client that counted characters instead of bytes
        ParsedDatagram old = parse("_e{11,8}:" + title + "|" + text + "|t:error");
        assertThat(old.events()).singleElement().satisfies(e -> {
            assertThat(e.title()).isEqualTo(title);
            assertThat(e.alertType()).isEqualTo(Event.AlertType.ERROR);
        });

        assertThat(parse("_e{1,1}:a|b|p:urgent").rejections()).extracting(Object::toString)
                .containsExactly("line 1: event priority \"urgent\" is not normal or low");
        assertThat(parse("_e{1,0}:a|").events()).singleElement()
                .satisfies(e -> assertThat(e.text()).isEmpty());
    }

    @Test
    void repeatedContextsShareOneKey() {
        ParsedDatagram d = parse("page.views:1|c|#env:prod\npage.views:1|c|#env:prod\npage.views:1|c|#env:dev");
        assertThat(d.samples().get(0).key()).isSameAs(d.samples().get(1).key());
        assertThat(d.samples().get(2).key()).isNotEqualTo(d.samples().get(0).key());
    }

    @Test
    void readsByteBuffersOfBothKinds() {
        byte[] bytes = utf8("xx a:1|g");
        ByteBuffer heap = ByteBuffer.wrap(bytes, 3, 5).slice();
        ByteBuffer direct = ByteBuffer.allocateDirect(5).put(bytes, 3, 5).flip();
        for (ByteBuffer b : List.of(heap, direct)) {
            Collecting sink = new Collecting();
            parser.parse(b, sink);
            assertThat(sink.values).containsExactly(1.0);
            assertThat(b.position()).isZero();
        }
    }

    @Test
    void eventTimestampsAreCheckedToo() {
        assertThat(parse("_e{1,1}:a|b|d:1700000000").rejections()).extracting(Object::toString)
                .containsExactly("line 1: timestamp 1700000000 is more than 1h in the past");
        assertThat(parse("_sc|a|0|d:-5").rejections()).extracting(Object::toString)
                .containsExactly("line 1: timestamp \"-5\" is not a positive number of Unix seconds");
    }

    static final class Collecting implements DogStatsdSink {
        final List<Double> values = new java.util.ArrayList<>();

        @Override
        public void sample(SeriesKey key, DogStatsdType type, double value, double sampleRate, long ts) {
            values.add(value);
        }

        @Override
        public void setMember(SeriesKey key, String member) {
        }

        @Override
        public void serviceCheck(ServiceCheck check) {
        }

        @Override
        public void event(Event event) {
        }

        @Override
        public void rejected(tocsin.core.metric.Rejection rejection) {
        }
    }
}
