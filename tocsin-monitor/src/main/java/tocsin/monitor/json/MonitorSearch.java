package tocsin.monitor.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.monitor.GroupState;
import tocsin.monitor.Monitor;
import tocsin.monitor.MonitorStatus;
import tocsin.monitor.template.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Datadog's monitor search ({@code GET /api/v1/monitor/search?query=&page=&per_page=}): a query of
 * {@code key:value} terms ({@code title}, {@code status}, {@code type}, {@code tag}, {@code id}, {@code creator},
 * {@code muted}) and free words matched against the name, all of which must hold; values may be double-quoted.
 * Answers in the shape of Datadog's {@code MonitorSearchResponse}. Stateless and thread-safe.
 */
public final class MonitorSearch {
    /** The most results one page may hold. */
    public static final int MAX_PER_PAGE = 1000;

    private MonitorSearch() {
    }

    /** A monitor with its group states, as the search sees it. */
    public record Candidate(Monitor monitor, List<GroupState> states) {
        public Candidate {
            Objects.requireNonNull(monitor, "monitor");
            states = List.copyOf(states);
        }

        MonitorStatus status() {
            return MonitorJson.overall(states);
        }
    }

    /**
     * Parses a search query.
     *
     * @throws IllegalArgumentException naming the term that is not understood
     */
    public static Predicate<Candidate> parse(String query) {
        Predicate<Candidate> all = c -> true;
        for (String term : terms(query == null ? "" : query)) {
            all = all.and(term(term));
        }
        return all;
    }

    private static List<String> terms(String q) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("query: unterminated '\"'");
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    private static Predicate<Candidate> term(String term) {
        int colon = term.indexOf(':');
        String key = colon < 0 ? "" : term.substring(0, colon).toLowerCase(Locale.ROOT);
        String value = colon < 0 ? term : term.substring(colon + 1);
        String lower = value.toLowerCase(Locale.ROOT);
        return switch (key) {
            case "title" -> c -> c.monitor().definition().name().toLowerCase(Locale.ROOT).contains(lower);
            case "status" -> {
                MonitorStatus s = MonitorStatus.ofWireName(value).orElseThrow(() -> new IllegalArgumentException(
                        "query: unknown status '" + value + "': expected alert, warn, no data or ok"));
                yield c -> c.status() == s;
            }
            case "type" -> c -> c.monitor().definition().type().wireName().startsWith(lower);
            case "tag" -> c -> c.monitor().definition().tags().contains(value);
            case "id" -> {
                long id;
                try {
                    id = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("query: id must be a number, got '" + value + "'");
                }
                yield c -> c.monitor().id() == id;
            }
            case "creator" -> c -> c.monitor().creator().email().equalsIgnoreCase(value)
                    || c.monitor().creator().name().equalsIgnoreCase(value);
            case "muted" -> {
                boolean muted = Boolean.parseBoolean(lower);
                yield c -> !c.monitor().definition().options().silenced().isEmpty() == muted;
            }
            case "" -> c -> c.monitor().definition().name().toLowerCase(Locale.ROOT).contains(lower);
            default -> throw new IllegalArgumentException("query: unknown search key '" + key
                    + "': expected title, status, type, tag, id, creator or muted");
        };
    }

    /** One page of matches, with Datadog's counts over all matches. */
    public static ObjectNode page(List<Candidate> matches, int page, int perPage) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode monitors = root.putArray("monitors");
        int from = (int) Math.min((long) page * perPage, matches.size());
        for (Candidate c : matches.subList(from, Math.min(matches.size(), from + perPage))) {
            monitors.add(result(c));
        }
        ObjectNode meta = root.putObject("metadata");
        meta.put("page", page);
        meta.put("per_page", perPage);
        meta.put("total_count", matches.size());
        meta.put("page_count", (matches.size() + perPage - 1) / perPage);
        ObjectNode counts = root.putObject("counts");
        Map<String, Integer> status = new TreeMap<>();
        Map<String, Integer> type = new TreeMap<>();
        Map<String, Integer> tag = new TreeMap<>();
        Map<String, Integer> muted = new TreeMap<>();
        for (Candidate c : matches) {
            status.merge(c.status().wireName(), 1, Integer::sum);
            type.merge(c.monitor().definition().type().wireName(), 1, Integer::sum);
            c.monitor().definition().tags().forEach(t -> tag.merge(t, 1, Integer::sum));
            muted.merge(Boolean.toString(!c.monitor().definition().options().silenced().isEmpty()), 1,
                    Integer::sum);
        }
        counts.set("status", countItems(status));
        counts.set("type", countItems(type));
        counts.set("tag", countItems(tag));
        counts.set("muted", countItems(muted));
        return root;
    }

    private static ObjectNode result(Candidate c) {
        Monitor m = c.monitor();
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", m.id());
        n.put("name", m.definition().name());
        n.put("status", c.status().wireName());
        n.put("type", m.definition().type().wireName());
        n.put("query", m.definition().query());
        n.put("org_id", 1);
        n.put("classification", m.definition().type().isMetric() ? "metric" : m.definition().type().wireName());
        ArrayNode tags = n.putArray("tags");
        m.definition().tags().forEach(tags::add);
        ObjectNode creator = n.putObject("creator");
        creator.put("email", m.creator().email());
        creator.put("handle", m.creator().handle());
        creator.put("name", m.creator().name());
        Instant last = c.states().stream().map(GroupState::lastTriggeredAt).filter(Objects::nonNull)
                .max(Instant::compareTo).orElse(null);
        if (last == null) {
            n.putNull("last_triggered_ts");
        } else {
            n.put("last_triggered_ts", last.getEpochSecond());
        }
        ArrayNode notifications = n.putArray("notifications");
        for (Handle h : Handle.find(m.definition().message())) {
            ObjectNode e = notifications.addObject();
            e.put("handle", h.text().substring(1));
            e.put("name", h.target());
        }
        n.putArray("metrics");
        n.putArray("scopes");
        return n;
    }

    private static ArrayNode countItems(Map<String, Integer> counts) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        counts.forEach((name, count) -> {
            ObjectNode e = a.addObject();
            e.put("name", name);
            e.put("count", count);
        });
        return a;
    }
}
