package tocsin.monitor.template;

import tocsin.monitor.MonitorStatus;
import tocsin.monitor.query.MonitorQuery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A monitor message in Datadog's template syntax, parsed once and rendered per group and transition.
 *
 * <ul>
 *   <li>Variables: {@code {{value}}}, {@code {{threshold}}}, {@code {{warn_threshold}}}, {@code {{ok_threshold}}},
 *       {@code {{comparator}}}, {@code {{last_triggered_at}}}, {@code {{last_triggered_at_epoch}}},
 *       {@code {{first_triggered_at}}}, {@code {{first_triggered_at_epoch}}}, {@code {{triggered_duration_sec}}},
 *       {@code {{monitor_id}}}, {@code {{monitor_name}}}, and {@code {{<tag key>.name}}} for the monitor's
 *       group-by keys ({@code {{host.name}}}). Unknown variables render empty; {@link #unknownVariables} lists them
 *       for validation warnings.</li>
 *   <li>Sections ({@code {{#name}}...{{/name}}}, inverted with {@code ^}): {@code is_alert}, {@code is_warning},
 *       {@code is_recovery}, {@code is_alert_recovery}, {@code is_warning_recovery}, {@code is_no_data},
 *       {@code is_no_data_recovery}, {@code is_renotify}, {@code is_alert_to_warning}, {@code is_warning_to_alert},
 *       {@code is_match "tag" "v1" ...} (substring), {@code is_exact_match "tag" "v1" ...} and
 *       {@code is_priority 'P1'}.</li>
 *   <li>Comments: {@code {{! ...}}}.</li>
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class MessageTemplate {
    /** The variables every monitor has. */
    public static final Set<String> VARIABLES = Set.of("value", "threshold", "warn_threshold", "ok_threshold",
            "comparator", "last_triggered_at", "last_triggered_at_epoch", "first_triggered_at",
            "first_triggered_at_epoch", "triggered_duration_sec", "monitor_id", "monitor_name");
    /** The section names. */
    public static final Set<String> SECTIONS = Set.of("is_alert", "is_warning", "is_recovery", "is_alert_recovery",
            "is_warning_recovery", "is_no_data", "is_no_data_recovery", "is_renotify", "is_alert_to_warning",
            "is_warning_to_alert", "is_match", "is_exact_match", "is_priority");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final int MAX_DEPTH = 32;

    private sealed interface Node permits Text, Var, Section {
    }

    private record Text(String text) implements Node {
    }

    private record Var(String name, int offset) implements Node {
    }

    private record Section(String name, List<String> args, boolean inverted, List<Node> body, int offset)
            implements Node {
    }

    private final String source;
    private final List<Node> nodes;

    private MessageTemplate(String source, List<Node> nodes) {
        this.source = source;
        this.nodes = nodes;
    }

    /** @throws TemplateException when a section is unclosed, mismatched or a tag is unterminated */
    public static MessageTemplate parse(String text) {
        List<Node> root = new ArrayList<>();
        Deque<List<Node>> bodies = new ArrayDeque<>();
        Deque<Section> open = new ArrayDeque<>();
        bodies.push(root);
        int pos = 0;
        while (pos < text.length()) {
            int start = text.indexOf("{{", pos);
            if (start < 0) {
                bodies.peek().add(new Text(text.substring(pos)));
                break;
            }
            if (start > pos) {
                bodies.peek().add(new Text(text.substring(pos, start)));
            }
            boolean triple = text.startsWith("{{{", start);
            String closer = triple ? "}}}" : "}}";
            int end = text.indexOf(closer, start + closer.length());
            if (end < 0) {
                throw new TemplateException("unterminated '{{' at offset " + start + ": expected '" + closer + "'");
            }
            String tag = text.substring(start + closer.length(), end).trim();
            pos = end + closer.length();
            if (tag.startsWith("!")) {
                continue;
            }
            if (tag.startsWith("#") || tag.startsWith("^")) {
                if (open.size() >= MAX_DEPTH) {
                    throw new TemplateException("sections nest deeper than " + MAX_DEPTH + " at offset " + start);
                }
                List<String> words = words(tag.substring(1).trim(), start);
                if (words.isEmpty()) {
                    throw new TemplateException("section without a name at offset " + start);
                }
                Section s = new Section(words.getFirst(), List.copyOf(words.subList(1, words.size())),
                        tag.startsWith("^"), new ArrayList<>(), start);
                bodies.peek().add(s);
                open.push(s);
                bodies.push(s.body());
            } else if (tag.startsWith("/")) {
                String name = tag.substring(1).trim();
                if (open.isEmpty()) {
                    throw new TemplateException("'{{/" + name + "}}' at offset " + start + " closes no section");
                }
                if (!open.peek().name().equals(name)) {
                    throw new TemplateException("'{{/" + name + "}}' at offset " + start + " does not close '{{#"
                            + open.peek().name() + "}}' opened at offset " + open.peek().offset());
                }
                open.pop();
                bodies.pop();
            } else {
                bodies.peek().add(new Var(tag, start));
            }
        }
        if (!open.isEmpty()) {
            throw new TemplateException("'{{#" + open.peek().name() + "}}' at offset " + open.peek().offset()
                    + " is never closed: expected '{{/" + open.peek().name() + "}}'");
        }
        return new MessageTemplate(text, freeze(root));
    }

    private static List<Node> freeze(List<Node> nodes) {
        List<Node> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            out.add(n instanceof Section s ? new Section(s.name(), s.args(), s.inverted(), freeze(s.body()),
                    s.offset()) : n);
        }
        return List.copyOf(out);
    }

    /** Splits section arguments: bare words and single- or double-quoted strings. */
    private static List<String> words(String s, int offset) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'') {
                int close = s.indexOf(c, i + 1);
                if (close < 0) {
                    throw new TemplateException("unterminated string in the section at offset " + offset);
                }
                out.add(s.substring(i + 1, close));
                i = close + 1;
            } else {
                int j = i;
                while (j < s.length() && !Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        return out;
    }

    /** The template text as written. */
    public String source() {
        return source;
    }

    /** Every handle written anywhere in the template, in every branch. */
    public List<Handle> handles() {
        return Handle.find(source);
    }

    /**
     * Problems worth a validation warning: variables that are neither built in nor {@code <key>.name} of a group-by
     * key, and unknown section names.
     */
    public List<String> unknownVariables(Collection<String> groupKeys) {
        Set<String> out = new LinkedHashSet<>();
        collectUnknown(nodes, Set.copyOf(groupKeys), out);
        return List.copyOf(out);
    }

    private static void collectUnknown(List<Node> nodes, Set<String> groupKeys, Set<String> out) {
        for (Node n : nodes) {
            if (n instanceof Var v && !VARIABLES.contains(v.name()) && tagKey(v.name(), groupKeys) == null) {
                out.add("unknown template variable '{{" + v.name() + "}}'" + (v.name().endsWith(".name")
                        ? ": the monitor does not group by '" + v.name().substring(0, v.name().length() - 5) + "'"
                        : ""));
            } else if (n instanceof Section s) {
                if (!SECTIONS.contains(s.name())) {
                    out.add("unknown template section '{{#" + s.name() + "}}'");
                }
                collectUnknown(s.body(), groupKeys, out);
            }
        }
    }

    private static String tagKey(String variable, Set<String> groupKeys) {
        if (!variable.endsWith(".name")) {
            return null;
        }
        String key = variable.substring(0, variable.length() - ".name".length());
        return groupKeys.contains(key) ? key : null;
    }

    /** Renders the template for one group's transition. */
    public String render(TemplateContext ctx) {
        StringBuilder out = new StringBuilder();
        render(nodes, ctx, out);
        return out.toString();
    }

    private static void render(List<Node> nodes, TemplateContext ctx, StringBuilder out) {
        for (Node n : nodes) {
            switch (n) {
                case Text t -> out.append(t.text());
                case Var v -> out.append(variable(v.name(), ctx));
                case Section s -> {
                    if (test(s, ctx) != s.inverted()) {
                        render(s.body(), ctx, out);
                    }
                }
            }
        }
    }

    private static boolean test(Section s, TemplateContext ctx) {
        MonitorStatus from = ctx.from();
        MonitorStatus to = ctx.to();
        return switch (s.name()) {
            case "is_alert" -> to == MonitorStatus.ALERT;
            case "is_warning" -> to == MonitorStatus.WARN;
            case "is_recovery" -> to == MonitorStatus.OK && from != MonitorStatus.OK;
            case "is_alert_recovery" -> to == MonitorStatus.OK && from == MonitorStatus.ALERT;
            case "is_warning_recovery" -> to == MonitorStatus.OK && from == MonitorStatus.WARN;
            case "is_no_data" -> to == MonitorStatus.NO_DATA;
            case "is_no_data_recovery" -> from == MonitorStatus.NO_DATA && to != MonitorStatus.NO_DATA;
            case "is_renotify" -> ctx.renotify();
            case "is_alert_to_warning" -> from == MonitorStatus.ALERT && to == MonitorStatus.WARN;
            case "is_warning_to_alert" -> from == MonitorStatus.WARN && to == MonitorStatus.ALERT;
            case "is_match", "is_exact_match" -> match(s, ctx, s.name().equals("is_exact_match"));
            case "is_priority" -> !s.args().isEmpty() && ctx.priority() != null
                    && s.args().getFirst().equalsIgnoreCase("P" + ctx.priority());
            default -> false;
        };
    }

    private static boolean match(Section s, TemplateContext ctx, boolean exact) {
        if (s.args().size() < 2) {
            return false;
        }
        String key = s.args().getFirst();
        key = key.endsWith(".name") ? key.substring(0, key.length() - 5) : key;
        String actual = ctx.groupTags().get(key);
        if (actual == null) {
            return false;
        }
        for (String candidate : s.args().subList(1, s.args().size())) {
            if (exact ? actual.equals(candidate) : actual.contains(candidate)) {
                return true;
            }
        }
        return false;
    }

    private static String variable(String name, TemplateContext ctx) {
        return switch (name) {
            case "value" -> number(ctx.value());
            case "threshold" -> number(ctx.threshold());
            case "warn_threshold" -> number(ctx.warnThreshold());
            case "ok_threshold" -> number(ctx.okThreshold());
            case "comparator" -> ctx.comparator();
            case "last_triggered_at" -> ctx.lastTriggeredAt() == null ? "" : TIME.format(ctx.lastTriggeredAt());
            case "last_triggered_at_epoch" -> ctx.lastTriggeredAt() == null ? ""
                    : Long.toString(ctx.lastTriggeredAt().toEpochMilli());
            case "first_triggered_at" -> ctx.firstTriggeredAt() == null ? "" : TIME.format(ctx.firstTriggeredAt());
            case "first_triggered_at_epoch" -> ctx.firstTriggeredAt() == null ? ""
                    : Long.toString(ctx.firstTriggeredAt().toEpochMilli());
            case "triggered_duration_sec" -> ctx.firstTriggeredAt() == null ? ""
                    : Long.toString(Duration.between(ctx.firstTriggeredAt(), ctx.now()).toSeconds());
            case "monitor_id" -> Long.toString(ctx.monitorId());
            case "monitor_name" -> ctx.monitorName();
            default -> {
                if (name.endsWith(".name")) {
                    String v = ctx.groupTags().get(name.substring(0, name.length() - 5));
                    yield v == null ? "" : v;
                }
                yield "";
            }
        };
    }

    private static String number(Double v) {
        return v == null || v.isNaN() ? "" : MonitorQuery.number(v);
    }

    /** The last instant formatted as {@code {{last_triggered_at}}} renders it; for tests and previews. */
    static String format(Instant t) {
        return TIME.format(t);
    }
}
