package tocsin.ingest.dogstatsd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.DatadogNames;
import tocsin.core.event.Event;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.RejectionText;
import tocsin.ingest.SeriesKeyBuilder;
import tocsin.ingest.ServiceCheck;
import tocsin.ingest.TimeWindow;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses DogStatsD datagrams: lines separated by {@code \n} (a trailing {@code \r} is ignored, empty lines are
 * skipped), each one of
 *
 * <ul>
 *   <li>a metric, {@code <name>:<value>[:<value>...]|<type>[|@<rate>][|#<tags>][|T<unix seconds>][|c:<origin>]},
 *       type {@code g c ms h s d}. Several values on one line (protocol 1.1) mean the same as one line per value;
 *       a set's value is taken whole, colons included. {@code |T} (protocol 1.3) is honoured for gauges and
 *       counts, as the Datadog Agent does, and ignored for the other types. {@code |c:} (protocol 1.2) carries the
 *       sender's container: {@code <id>}, or {@code ci-<id>} / {@code cid-<id>} and {@code in-<inode>} separated by
 *       commas; it becomes the tag {@code container_id:<id>} when enabled, and is ignored otherwise (the Agent's
 *       default, since it would change every series' identity). Unknown fields ({@code e:}, {@code card:}, ...) are
 *       ignored, as the Agent does.</li>
 *   <li>a service check, {@code _sc|<name>|<status>[|d:<ts>][|h:<host>][|#<tags>][|m:<message>]}; the message
 *       runs to the end of the line, as the datagram spec requires it to be the last field.</li>
 *   <li>an event, {@code _e{<title bytes>,<text bytes>}:<title>|<text>[|d:<ts>][|h:<host>][|k:<key>][|p:<prio>]
 *       [|s:<source>][|t:<alert type>][|#<tags>]}; lengths are UTF-8 byte counts (as the Agent reads them), with a
 *       fallback to character counts for old clients; {@code \\n} in title and text means a newline.</li>
 * </ul>
 *
 * <p>Names and tags are normalised per {@link DatadogNames} (the Agent forwards them raw and the Datadog backend
 * normalises them) and checked against the {@link IngestLimits}. Values must be plain decimals and finite; sample
 * rates must be in (0, 1].
 *
 * <p>Every bad line becomes one {@link Rejection} ({@code line 3}) and the rest of the datagram is still read:
 * {@code parse} never throws on garbage, truncated or binary input.
 *
 * <p>Not thread-safe: it keeps a per-parser cache of recently seen contexts. Use one parser per reading thread.
 */
public final class DogStatsdParser {
    /** Passed as the timestamp of values without a usable {@code |T}. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private static final Logger LOG = LoggerFactory.getLogger(DogStatsdParser.class);
    private static final int CACHE_SLOTS = 8192;

    private final InstantSource clock;
    private final IngestLimits limits;
    private final boolean tagContainerId;
    private final SeriesKeyBuilder keys;
    private final ContextCache cache = new ContextCache(CACHE_SLOTS);
    private double[] values = new double[8];
    private TimeWindow window;

    /** A parser that ignores the container id field. */
    public DogStatsdParser(InstantSource clock, IngestLimits limits) {
        this(clock, limits, false);
    }

    /**
     * @param tagContainerId whether a {@code |c:} container id becomes the tag {@code container_id:<id>}
     */
    public DogStatsdParser(InstantSource clock, IngestLimits limits, boolean tagContainerId) {
        this.clock = clock;
        this.limits = limits;
        this.tagContainerId = tagContainerId;
        this.keys = new SeriesKeyBuilder(limits, SeriesKeyBuilder.Rules.DATADOG);
    }

    /** Parses the datagram's remaining bytes, leaving the buffer's position unchanged. */
    public void parse(ByteBuffer datagram, DogStatsdSink sink) {
        if (datagram.hasArray()) {
            parse(datagram.array(), datagram.arrayOffset() + datagram.position(), datagram.remaining(), sink);
        } else {
            byte[] copy = new byte[datagram.remaining()];
            datagram.duplicate().get(copy);
            parse(copy, 0, copy.length, sink);
        }
    }

    /** Parses {@code buf[offset, offset + length)}, calling the sink for each value, check, event and rejection. */
    public void parse(byte[] buf, int offset, int length, DogStatsdSink sink) {
        window = null;
        int end = offset + length;
        int pos = offset;
        int line = 0;
        while (pos < end) {
            int nl = indexOf(buf, (byte) '\n', pos, end);
            int lineEnd = nl < 0 ? end : nl;
            line++;
            int e = lineEnd > pos && buf[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (e > pos) {
                try {
                    parseLine(buf, pos, e, line, sink);
                } catch (RuntimeException bug) {
                    // a parser bug must not take the listener down; the line is reported and the rest still read
                    LOG.warn("DogStatsD line {} could not be parsed", line, bug);
                    sink.rejected(new Rejection("line " + line, "could not be parsed: " + bug));
                }
            }
            pos = lineEnd + 1;
        }
    }

    /** Parses a whole datagram and collects the results; convenient off the hot path and in tests. */
    public ParsedDatagram parse(byte[] datagram) {
        Collector c = new Collector();
        parse(datagram, 0, datagram.length, c);
        return new ParsedDatagram(c.samples, c.checks, c.events, c.rejections);
    }

    private void parseLine(byte[] b, int s, int e, int line, DogStatsdSink sink) {
        if (startsWith(b, s, e, "_e{")) {
            Event ev = parseEvent(b, s, e, line, sink);
            if (ev != null) {
                sink.event(ev);
            }
        } else if (startsWith(b, s, e, "_sc")) {
            ServiceCheck sc = parseServiceCheck(b, s, e, line, sink);
            if (sc != null) {
                sink.serviceCheck(sc);
            }
        } else {
            parseMetric(b, s, e, line, sink);
        }
    }

    // ---- metrics ----

    private void parseMetric(byte[] b, int s, int e, int line, DogStatsdSink sink) {
        int pipe = indexOf(b, (byte) '|', s, e);
        if (pipe < 0) {
            reject(sink, line, "expected <name>:<value>|<type>, found no '|' in " + shown(b, s, e));
            return;
        }
        int colon = indexOf(b, (byte) ':', s, pipe);
        if (colon < 0) {
            reject(sink, line, "expected <name>:<value> before the first '|', found no ':' in " + shown(b, s, e));
            return;
        }
        if (colon == s) {
            reject(sink, line, "the metric name is empty");
            return;
        }
        if (colon + 1 == pipe) {
            reject(sink, line, "the value is empty");
            return;
        }
        int typeEnd = indexOf(b, (byte) '|', pipe + 1, e);
        if (typeEnd < 0) {
            typeEnd = e;
        }
        DogStatsdType type = DogStatsdType.of(b, pipe + 1, typeEnd);
        if (type == null) {
            reject(sink, line, "unknown metric type " + shown(b, pipe + 1, typeEnd) + "; expected g, c, ms, h, s or d");
            return;
        }

        double rate = 1.0;
        int tagsFrom = 0;
        int tagsTo = 0;
        int originFrom = 0;
        int originTo = 0;
        long seconds = -1;
        for (int f = typeEnd + 1; f <= e; ) {
            int fe = indexOf(b, (byte) '|', f, e);
            if (fe < 0) {
                fe = e;
            }
            if (fe > f) {
                switch (b[f]) {
                    case '@' -> {
                        if (!AsciiNumbers.isDecimal(b, f + 1, fe)) {
                            reject(sink, line, "sample rate " + shown(b, f + 1, fe) + " is not a number");
                            return;
                        }
                        rate = AsciiNumbers.parse(b, f + 1, fe);
                        if (!(rate > 0 && rate <= 1)) {
                            reject(sink, line, "sample rate " + shown(b, f + 1, fe) + " is not in (0, 1]");
                            return;
                        }
                    }
                    case '#' -> {
                        tagsFrom = f + 1;
                        tagsTo = fe;
                    }
                    case 'T' -> {
                        seconds = AsciiNumbers.parseLong(b, f + 1, fe);
                        if (seconds <= 0) {
                            reject(sink, line, "timestamp " + shown(b, f + 1, fe)
                                    + " is not a positive number of Unix seconds");
                            return;
                        }
                    }
                    case 'c' -> {
                        if (fe > f + 1 && b[f + 1] == ':' && tagContainerId) {
                            originFrom = f + 2;
                            originTo = fe;
                        }
                    }
                    default -> {
                        // e:, card: and future fields: ignored, as the Agent does
                    }
                }
            }
            f = fe + 1;
        }

        int valueCount = 0;
        if (type != DogStatsdType.SET) {
            for (int v = colon + 1; v < pipe; ) {
                int ve = indexOf(b, (byte) ':', v, pipe);
                if (ve < 0) {
                    ve = pipe;
                }
                if (ve > v) { // "1::2" has an empty value between the colons, skipped as the Agent does
                    if (!AsciiNumbers.isDecimal(b, v, ve)) {
                        reject(sink, line, "value " + shown(b, v, ve) + " is not a number");
                        return;
                    }
                    double d = AsciiNumbers.parse(b, v, ve);
                    if (!Double.isFinite(d)) {
                        reject(sink, line, "value " + shown(b, v, ve) + " is not a finite number");
                        return;
                    }
                    if (valueCount == values.length) {
                        values = Arrays.copyOf(values, valueCount * 2);
                    }
                    values[valueCount++] = d;
                }
                v = ve + 1;
            }
            if (valueCount == 0) {
                reject(sink, line, "no value in " + shown(b, colon + 1, pipe));
                return;
            }
        }

        long timestamp = NO_TIMESTAMP;
        if (seconds > 0 && (type == DogStatsdType.GAUGE || type == DogStatsdType.COUNT)) {
            timestamp = seconds * 1000;
            TimeWindow w = window();
            if (!w.contains(timestamp)) {
                reject(sink, line, w.problem(timestamp, Long.toString(seconds)));
                return;
            }
        }

        SeriesKey key = key(b, s, colon, tagsFrom, tagsTo, originFrom, originTo, line, sink);
        if (key == null) {
            return;
        }
        if (type == DogStatsdType.SET) {
            sink.setMember(key, new String(b, colon + 1, pipe - colon - 1, StandardCharsets.UTF_8));
            return;
        }
        for (int i = 0; i < valueCount; i++) {
            sink.sample(key, type, values[i], rate, timestamp);
        }
    }

    private SeriesKey key(byte[] b, int ns, int ne, int ts, int te, int os, int oe, int line, DogStatsdSink sink) {
        int hash = ContextCache.hash(b, ns, ne, ts, te, os, oe);
        SeriesKey key = cache.get(hash, b, ns, ne, ts, te, os, oe);
        if (key != null) {
            return key;
        }
        keys.reset().name(new String(b, ns, ne - ns, StandardCharsets.UTF_8), "name");
        addTags(b, ts, te);
        if (oe > os) {
            String id = containerId(new String(b, os, oe - os, StandardCharsets.UTF_8));
            if (!id.isEmpty()) {
                keys.tag("container_id:" + id, "container id", -1);
            }
        }
        key = keys.build();
        if (key == null) {
            reject(sink, line, problem(keys));
            return null;
        }
        cache.put(hash, b, ns, ne, ts, te, os, oe, key);
        return key;
    }

    private void addTags(byte[] b, int from, int to) {
        int k = 0;
        for (int t = from; t < to; ) {
            int te = indexOf(b, (byte) ',', t, to);
            if (te < 0) {
                te = to;
            }
            if (te > t) {
                keys.tag(new String(b, t, te - t, StandardCharsets.UTF_8), "tags", k);
            }
            k++;
            t = te + 1;
        }
    }

    /** The container id in a {@code c:} field: {@code <id>}, or {@code ci-<id>}/{@code cid-<id>} among others. */
    static String containerId(String field) {
        if (field.indexOf(',') < 0 && !field.startsWith("ci-") && !field.startsWith("cid-")
                && !field.startsWith("in-")) {
            return field;
        }
        for (String part : field.split(",")) {
            if (part.startsWith("ci-")) {
                return part.substring(3);
            }
            if (part.startsWith("cid-")) {
                return part.substring(4);
            }
        }
        return "";
    }

    private static String problem(SeriesKeyBuilder keys) {
        String field = keys.problemField();
        return ("tags".equals(field) ? "the metric" : field) + " " + keys.problem();
    }

    // ---- service checks ----

    private ServiceCheck parseServiceCheck(byte[] b, int s, int e, int line, DogStatsdSink sink) {
        if (e - s < 4 || b[s + 3] != '|') {
            reject(sink, line, "expected _sc|<name>|<status>");
            return null;
        }
        int nameEnd = indexOf(b, (byte) '|', s + 4, e);
        if (nameEnd < 0) {
            reject(sink, line, "expected _sc|<name>|<status>, found no status");
            return null;
        }
        if (nameEnd == s + 4) {
            reject(sink, line, "the service check name is empty");
            return null;
        }
        String name = new String(b, s + 4, nameEnd - s - 4, StandardCharsets.UTF_8);
        if (name.codePointCount(0, name.length()) > limits.maxNameLength()) {
            reject(sink, line, "the service check name is longer than the limit of " + limits.maxNameLength()
                    + " characters");
            return null;
        }
        int statusEnd = indexOf(b, (byte) '|', nameEnd + 1, e);
        if (statusEnd < 0) {
            statusEnd = e;
        }
        ServiceCheck.Status status = statusEnd == nameEnd + 2 ? ServiceCheck.Status.ofCode(b[nameEnd + 1] - '0')
                : null;
        if (status == null) {
            reject(sink, line, "status " + shown(b, nameEnd + 1, statusEnd)
                    + " is not 0 (ok), 1 (warning), 2 (critical) or 3 (unknown)");
            return null;
        }
        long millis = NO_TIMESTAMP;
        String host = "";
        String message = "";
        List<String> tags = List.of();
        for (int f = statusEnd + 1; f < e; ) {
            int fe = indexOf(b, (byte) '|', f, e);
            if (fe < 0) {
                fe = e;
            }
            if (startsWith(b, f, fe, "m:")) {
                message = unescapeMessage(new String(b, f + 2, e - f - 2, StandardCharsets.UTF_8));
                break;
            } else if (startsWith(b, f, fe, "d:")) {
                millis = timestamp(b, f + 2, fe, line, sink);
                if (millis == NO_TIMESTAMP) {
                    return null;
                }
            } else if (startsWith(b, f, fe, "h:")) {
                host = new String(b, f + 2, fe - f - 2, StandardCharsets.UTF_8);
            } else if (fe > f && b[f] == '#') {
                tags = tags(b, f + 1, fe, line, sink);
                if (tags == null) {
                    return null;
                }
            }
            f = fe + 1;
        }
        Instant at = Instant.ofEpochMilli(millis == NO_TIMESTAMP ? clock.millis() : millis);
        return new ServiceCheck(name, status, host, tags, at, message);
    }

    private static String unescapeMessage(String m) {
        return m.replace("\\n", "\n").replace("m\\:", "m:");
    }

    // ---- events ----

    private Event parseEvent(byte[] b, int s, int e, int line, DogStatsdSink sink) {
        int colon = indexOf(b, (byte) ':', s, e);
        int close = colon < 0 ? -1 : colon - 1;
        int comma = colon < 0 ? -1 : indexOf(b, (byte) ',', s + 3, close);
        if (colon < 0 || b[close] != '}' || comma < 0) {
            reject(sink, line, "expected _e{<title length>,<text length>}:<title>|<text>");
            return null;
        }
        long titleLen = AsciiNumbers.parseLong(b, s + 3, comma);
        long textLen = AsciiNumbers.parseLong(b, comma + 1, close);
        if (titleLen < 0 || textLen < 0) {
            reject(sink, line, "event lengths " + shown(b, s + 2, colon) + " are not two non-negative integers");
            return null;
        }
        if (titleLen == 0) {
            reject(sink, line, "the event title is empty");
            return null;
        }
        String title;
        String text;
        int rest; // where the optional fields start (at a '|'), or e
        int start = colon + 1;
        long titleEnd = start + titleLen;
        long textEnd = titleEnd + 1 + textLen;
        if (textEnd <= e && b[(int) titleEnd] == '|' && (textEnd == e || b[(int) textEnd] == '|')) {
            title = new String(b, start, (int) titleLen, StandardCharsets.UTF_8);
            text = new String(b, (int) titleEnd + 1, (int) textLen, StandardCharsets.UTF_8);
            rest = (int) textEnd;
        } else {
            // old clients counted characters, not bytes
            String all = new String(b, start, e - start, StandardCharsets.UTF_8);
            long charEnd = titleLen + 1 + textLen;
            if (charEnd > all.length() || all.charAt((int) titleLen) != '|'
                    || (charEnd < all.length() && all.charAt((int) charEnd) != '|')) {
                reject(sink, line, "the event's title and text do not match the lengths " + shown(b, s + 2, colon));
                return null;
            }
            title = all.substring(0, (int) titleLen);
            text = all.substring((int) titleLen + 1, (int) charEnd);
            rest = start + all.substring(0, (int) charEnd).getBytes(StandardCharsets.UTF_8).length;
        }
        long millis = NO_TIMESTAMP;
        String host = "";
        String key = "";
        String source = "";
        Event.Priority priority = Event.Priority.NORMAL;
        Event.AlertType alert = Event.AlertType.INFO;
        List<String> tags = List.of();
        for (int f = rest + 1; f < e; ) {
            int fe = indexOf(b, (byte) '|', f, e);
            if (fe < 0) {
                fe = e;
            }
            if (startsWith(b, f, fe, "d:")) {
                millis = timestamp(b, f + 2, fe, line, sink);
                if (millis == NO_TIMESTAMP) {
                    return null;
                }
            } else if (startsWith(b, f, fe, "h:")) {
                host = new String(b, f + 2, fe - f - 2, StandardCharsets.UTF_8);
            } else if (startsWith(b, f, fe, "k:")) {
                key = new String(b, f + 2, fe - f - 2, StandardCharsets.UTF_8);
            } else if (startsWith(b, f, fe, "s:")) {
                source = new String(b, f + 2, fe - f - 2, StandardCharsets.UTF_8);
            } else if (startsWith(b, f, fe, "p:")) {
                String p = new String(b, f + 2, fe - f - 2, StandardCharsets.UTF_8);
                switch (p) {
                    case "normal" -> priority = Event.Priority.NORMAL;
                    case "low" -> priority = Event.Priority.LOW;
                    default -> {
                        reject(sink, line, "event priority " + RejectionText.quote(p) + " is not normal or low");
                        return null;
                    }
                }
            } else if (startsWith(b, f, fe, "t:")) {
                String t = new String(b, f + 2, fe - f - 2, StandardCharsets.UTF_8);
                switch (t) {
                    case "error" -> alert = Event.AlertType.ERROR;
                    case "warning" -> alert = Event.AlertType.WARNING;
                    case "info" -> alert = Event.AlertType.INFO;
                    case "success" -> alert = Event.AlertType.SUCCESS;
                    default -> {
                        reject(sink, line, "event alert type " + RejectionText.quote(t)
                                + " is not error, warning, info or success");
                        return null;
                    }
                }
            } else if (fe > f && b[f] == '#') {
                tags = tags(b, f + 1, fe, line, sink);
                if (tags == null) {
                    return null;
                }
            }
            f = fe + 1;
        }
        Instant at = Instant.ofEpochMilli(millis == NO_TIMESTAMP ? clock.millis() : millis);
        return new Event(unescapeText(title), unescapeText(text), at, host, key, priority, source, alert, tags);
    }

    private static String unescapeText(String s) {
        return s.replace("\\n", "\n");
    }

    // ---- shared ----

    /** A {@code d:} timestamp in millis, checked against the window; NO_TIMESTAMP after rejecting the line. */
    private long timestamp(byte[] b, int from, int to, int line, DogStatsdSink sink) {
        long seconds = AsciiNumbers.parseLong(b, from, to);
        if (seconds <= 0) {
            reject(sink, line, "timestamp " + shown(b, from, to) + " is not a positive number of Unix seconds");
            return NO_TIMESTAMP;
        }
        long millis = seconds * 1000;
        TimeWindow w = window();
        if (!w.contains(millis)) {
            reject(sink, line, w.problem(millis, Long.toString(seconds)));
            return NO_TIMESTAMP;
        }
        return millis;
    }

    /** Normalised tags of a service check or event; null after rejecting the line. */
    private List<String> tags(byte[] b, int from, int to, int line, DogStatsdSink sink) {
        List<String> out = new ArrayList<>();
        int k = 0;
        for (int t = from; t < to; ) {
            int te = indexOf(b, (byte) ',', t, to);
            if (te < 0) {
                te = to;
            }
            String tag = DatadogNames.normalizeTag(new String(b, t, te - t, StandardCharsets.UTF_8));
            if (tag.codePointCount(0, tag.length()) > limits.maxTagLength()) {
                reject(sink, line, "tags[" + k + "] " + RejectionText.quote(tag) + " is longer than the limit of "
                        + limits.maxTagLength() + " characters");
                return null;
            }
            if (!tag.isEmpty() && !out.contains(tag)) {
                out.add(tag);
            }
            k++;
            t = te + 1;
        }
        if (out.size() > limits.maxTagsPerSeries()) {
            reject(sink, line, "has " + out.size() + " distinct tags, more than the limit of "
                    + limits.maxTagsPerSeries());
            return null;
        }
        return out;
    }

    private TimeWindow window() {
        if (window == null) {
            window = limits.window(clock.millis());
        }
        return window;
    }

    private static void reject(DogStatsdSink sink, int line, String reason) {
        sink.rejected(new Rejection("line " + line, reason));
    }

    private static String shown(byte[] b, int from, int to) {
        int n = Math.min(to - from, RejectionText.MAX_SHOWN * 4);
        String s = new String(b, from, n, StandardCharsets.UTF_8);
        return RejectionText.quote(n < to - from ? s + "…" : s);
    }

    private static boolean startsWith(byte[] b, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** Collects a datagram's results for {@link #parse(byte[])}. */
    private static final class Collector implements DogStatsdSink {
        final List<DogStatsdSample> samples = new ArrayList<>();
        final List<ServiceCheck> checks = new ArrayList<>();
        final List<Event> events = new ArrayList<>();
        final List<Rejection> rejections = new ArrayList<>();

        @Override
        public void sample(SeriesKey key, DogStatsdType type, double value, double sampleRate, long timestampMillis) {
            samples.add(new DogStatsdSample(key, type, value, sampleRate, timestampMillis, null));
        }

        @Override
        public void setMember(SeriesKey key, String member) {
            samples.add(new DogStatsdSample(key, DogStatsdType.SET, 0, 1, NO_TIMESTAMP, member));
        }

        @Override
        public void serviceCheck(ServiceCheck check) {
            checks.add(check);
        }

        @Override
        public void event(Event event) {
            events.add(event);
        }

        @Override
        public void rejected(Rejection rejection) {
            rejections.add(rejection);
        }
    }
}
