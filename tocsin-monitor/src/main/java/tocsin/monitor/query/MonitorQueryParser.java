package tocsin.monitor.query;

import tocsin.monitor.query.CompositeQuery.And;
import tocsin.monitor.query.CompositeQuery.Node;
import tocsin.monitor.query.CompositeQuery.Not;
import tocsin.monitor.query.CompositeQuery.Or;
import tocsin.monitor.query.CompositeQuery.Ref;
import tocsin.monitor.query.MetricAlertQuery.Change;
import tocsin.query.QueryException;
import tocsin.query.QuerySyntaxException;
import tocsin.query.datadog.DatadogQueryEngine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Datadog monitor queries. Every failure is a {@link MonitorQueryException} naming the 1-based column and
 * what was expected there. The metric part of metric monitors is handed to Tocsin's Datadog metric query parser, its
 * columns kept relative to the whole monitor query.
 *
 * <pre>
 * metric_alert  := head ':' METRIC_QUERY comparator NUMBER
 * head          := time_aggr '(' window ')' | ('change' | 'pct_change') '(' time_aggr '(' window ')' ',' window ')'
 * time_aggr     := 'avg' | 'sum' | 'min' | 'max' | 'percentile' '(' 'p' NUMBER ')'
 * window        := 'last_' INT ('m' | 'h' | 'd' | 'w')
 * comparator    := '>' | '>=' | '<' | '<='
 * service_check := STRING '.over(' strings ')' ['.exclude(' strings ')'] ['.by(' strings ')'] '.last(' INT ')'
 *                  '.count_by_status()'
 * composite     := or ; or := and ('||' and)* ; and := unary ('&&' unary)* ; unary := '!' unary | '(' or ')' | INT
 * </pre>
 *
 * Stateless; the static methods are thread-safe.
 */
public final class MonitorQueryParser {
    private static final Pattern WINDOW = Pattern.compile("last_(\\d{1,6})([mhdw])");
    private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,2}(\\.\\d+)?|100)");
    private static final int MAX_LENGTH = 10_000;

    private final String text;
    private int pos;

    private MonitorQueryParser(String text) {
        this.text = text;
    }

    /** Parses {@code time_aggr(window):metric comparator threshold} and its change forms. */
    public static MetricAlertQuery metricAlert(String text) {
        MonitorQueryParser p = start(text, "a metric monitor query such as avg(last_5m):avg:system.cpu.user{*} > 80");
        return p.metricAlert();
    }

    /** Parses {@code "check".over(...)...last(n).count_by_status()}. */
    public static ServiceCheckQuery serviceCheck(String text) {
        MonitorQueryParser p = start(text, "a service check query such as \"http.can_connect\".over(\"*\")"
                + ".last(2).count_by_status()");
        return p.serviceCheck();
    }

    /** Parses a boolean expression over monitor ids. */
    public static CompositeQuery composite(String text) {
        MonitorQueryParser p = start(text, "a composite query such as 123 && !456");
        Node root = p.or();
        p.skipWs();
        if (!p.atEnd()) {
            throw p.error(p.peek() == ')' ? "unbalanced ')': expected '&&', '||' or end of query"
                    : "expected '&&', '||' or end of query");
        }
        return new CompositeQuery(root);
    }

    private static MonitorQueryParser start(String text, String example) {
        if (text == null || text.isBlank()) {
            throw new MonitorQueryException("empty query: expected " + example + " at column 1", 1);
        }
        if (text.length() > MAX_LENGTH) {
            throw new MonitorQueryException("query is longer than " + MAX_LENGTH + " characters", MAX_LENGTH + 1);
        }
        MonitorQueryParser p = new MonitorQueryParser(text);
        p.skipWs();
        return p;
    }

    // ---- metric alerts

    private MetricAlertQuery metricAlert() {
        Change change = Change.NONE;
        Window shift = null;
        int nameAt = pos;
        String name = word();
        if (name.equals("change") || name.equals("pct_change")) {
            change = name.equals("change") ? Change.CHANGE : Change.PCT_CHANGE;
            expect('(', "'(' after " + name);
            skipWs();
            nameAt = pos;
            name = word();
        }
        TimeAggregator aggregator = timeAggregator(name, nameAt);
        expect('(', "'(' and a window such as last_5m after " + aggregator);
        Window window = window();
        expect(')', "')' after the window");
        if (change != Change.NONE) {
            expect(',', "',' and the change window, such as last_5m");
            shift = window();
            expect(')', "')' after the change window");
        }
        expect(':', "':' and the metric query");
        int metricStart = pos;
        int comparatorAt = findComparator(metricStart);
        String metric = text.substring(metricStart, comparatorAt).trim();
        if (metric.isEmpty()) {
            throw errorAt("expected a metric query such as avg:system.cpu.user{*}", metricStart);
        }
        checkMetric(metricStart, comparatorAt);
        pos = comparatorAt;
        if (atEnd()) {
            throw error("expected a comparator (>, >=, < or <=) and a threshold");
        }
        String symbol = text.startsWith("=", pos + 1) ? text.substring(pos, pos + 2) : text.substring(pos, pos + 1);
        pos += symbol.length();
        Comparator comparator = Comparator.ofSymbol(symbol);
        skipWs();
        double threshold = number("a threshold number after " + symbol);
        skipWs();
        if (!atEnd()) {
            throw error("expected end of query after the threshold");
        }
        return new MetricAlertQuery(change, aggregator, window, shift, metric, comparator, threshold);
    }

    private TimeAggregator timeAggregator(String name, int at) {
        String agg = name.toLowerCase(Locale.ROOT);
        return switch (agg) {
            case "avg" -> TimeAggregator.of(TimeAggregator.Kind.AVG);
            case "sum" -> TimeAggregator.of(TimeAggregator.Kind.SUM);
            case "min" -> TimeAggregator.of(TimeAggregator.Kind.MIN);
            case "max" -> TimeAggregator.of(TimeAggregator.Kind.MAX);
            case "percentile" -> {
                expect('(', "'(' and a percentile such as p95");
                skipWs();
                int pAt = pos;
                String p = word();
                Matcher m = PERCENTILE.matcher(p);
                if (!m.matches() || Double.parseDouble(m.group(1)) <= 0) {
                    throw errorAt("expected a percentile between p1 and p100, such as p95", pAt);
                }
                expect(')', "')' after the percentile");
                yield new TimeAggregator(TimeAggregator.Kind.PERCENTILE, Double.parseDouble(m.group(1)));
            }
            default -> throw errorAt(at == pos ? "expected a time aggregator (avg, sum, min, max or percentile(pNN)),"
                    + " or change( or pct_change(" : "unknown time aggregator '" + name
                    + "': expected avg, sum, min, max or percentile(pNN)", at);
        };
    }

    private Window window() {
        skipWs();
        int at = pos;
        String w = word();
        Matcher m = WINDOW.matcher(w);
        if (!m.matches()) {
            throw errorAt("expected a window such as last_5m, last_1h, last_1d or last_1w", at);
        }
        try {
            return new Window(Long.parseLong(m.group(1)), m.group(2).charAt(0));
        } catch (IllegalArgumentException e) {
            throw errorAt("the window must be between last_1m and last_1w", at);
        }
    }

    /** The offset of the comparator that ends the metric part: the first '<' or '>' outside brackets and quotes. */
    private int findComparator(int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            } else if ((c == '<' || c == '>') && depth <= 0) {
                return i;
            }
        }
        return text.length();
    }

    /** Parses the metric part in place, so that its errors carry columns of the whole query. */
    private void checkMetric(int start, int end) {
        String padded = " ".repeat(start) + text.substring(start, end);
        try {
            DatadogQueryEngine.parse(padded);
        } catch (QuerySyntaxException e) {
            throw new MonitorQueryException(e.getMessage(), e.column());
        } catch (QueryException e) {
            throw new MonitorQueryException(e.getMessage() + " at column " + (start + 1), start + 1);
        }
    }

    // ---- service checks

    private ServiceCheckQuery serviceCheck() {
        if (peek() != '"' && peek() != '\'') {
            throw error("expected the check name in double quotes, such as \"http.can_connect\"");
        }
        int nameAt = pos;
        String check = string();
        if (check.isBlank()) {
            throw errorAt("the check name must not be empty", nameAt);
        }
        List<String> over = null;
        List<String> exclude = List.of();
        List<String> by = List.of();
        Integer last = null;
        while (true) {
            skipWs();
            if (atEnd()) {
                throw error("expected .count_by_status() at the end of a service check query");
            }
            int dot = pos;
            if (!eat('.')) {
                throw error("expected '.' and a method: over, exclude, by, last or count_by_status");
            }
            String method = word();
            switch (method) {
                case "over" -> {
                    if (over != null) {
                        throw errorAt(".over() may appear once", dot);
                    }
                    over = strings(method);
                }
                case "exclude" -> exclude = strings(method);
                case "by" -> by = strings(method);
                case "last" -> {
                    expect('(', "'(' after .last");
                    skipWs();
                    int at = pos;
                    double n = number("a count of check runs");
                    if (n != Math.rint(n) || n < 1 || n > ServiceCheckQuery.MAX_LAST) {
                        throw errorAt("the count of .last() must be a whole number between 1 and "
                                + ServiceCheckQuery.MAX_LAST, at);
                    }
                    last = (int) n;
                    expect(')', "')' after the count");
                }
                case "count_by_status" -> {
                    expect('(', "'(' after .count_by_status");
                    expect(')', "')': .count_by_status() takes no arguments");
                    skipWs();
                    if (!atEnd()) {
                        throw error("expected end of query after .count_by_status()");
                    }
                    if (over == null) {
                        throw errorAt("expected .over(...) before .count_by_status(); use .over(\"*\") for every run",
                                dot);
                    }
                    return new ServiceCheckQuery(check, over, exclude, by, last == null ? 1 : last);
                }
                default -> throw errorAt("unknown method '." + method
                        + "': expected over, exclude, by, last or count_by_status", dot);
            }
        }
    }

    private List<String> strings(String method) {
        expect('(', "'(' after ." + method);
        List<String> out = new ArrayList<>();
        skipWs();
        if (eat(')')) {
            throw errorAt("." + method + "() needs at least one quoted value", pos - 1);
        }
        do {
            skipWs();
            if (peek() != '"' && peek() != '\'') {
                throw error("expected a quoted value such as \"env:prod\"");
            }
            out.add(string());
            skipWs();
        } while (eat(','));
        if (!eat(')')) {
            throw error("expected ',' or ')'");
        }
        return out;
    }

    private String string() {
        char q = text.charAt(pos);
        int start = pos++;
        StringBuilder b = new StringBuilder();
        while (!atEnd()) {
            char c = text.charAt(pos++);
            if (c == q) {
                return b.toString();
            }
            if (c == '\\' && !atEnd()) {
                c = text.charAt(pos++);
            }
            b.append(c);
        }
        throw errorAt("unterminated string: expected a closing " + q, start);
    }

    // ---- composites

    private Node or() {
        Node left = and();
        while (true) {
            skipWs();
            if (!text.startsWith("||", pos)) {
                return left;
            }
            pos += 2;
            left = new Or(left, and());
        }
    }

    private Node and() {
        Node left = unary();
        while (true) {
            skipWs();
            if (!text.startsWith("&&", pos)) {
                return left;
            }
            pos += 2;
            left = new And(left, unary());
        }
    }

    private Node unary() {
        skipWs();
        if (eat('!')) {
            return new Not(unary());
        }
        if (eat('(')) {
            Node inner = or();
            expect(')', "')' or an operator");
            return inner;
        }
        int at = pos;
        while (Character.isDigit(peek())) {
            pos++;
        }
        if (pos == at || Character.isLetter(peek())) {
            pos = at;
            throw error("expected a monitor id, '!' or '('");
        }
        try {
            long id = Long.parseLong(text.substring(at, pos));
            if (id < 1) {
                throw errorAt("monitor ids are positive", at);
            }
            return new Ref(id);
        } catch (NumberFormatException e) {
            throw errorAt("monitor id out of range", at);
        }
    }

    // ---- lexing

    private double number(String expected) {
        int start = pos;
        if (peek() == '-' || peek() == '+') {
            pos++;
        }
        while (Character.isDigit(peek()) || peek() == '.') {
            pos++;
        }
        if ((peek() == 'e' || peek() == 'E') && pos > start) {
            pos++;
            if (peek() == '-' || peek() == '+') {
                pos++;
            }
            while (Character.isDigit(peek())) {
                pos++;
            }
        }
        String n = text.substring(start, pos);
        try {
            if (n.isEmpty() || Character.isLetter(peek())) {
                throw new NumberFormatException();
            }
            double v = Double.parseDouble(n);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            pos = start;
            throw error("expected " + expected);
        }
    }

    private String word() {
        int start = pos;
        while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '_')) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private void expect(char c, String expected) {
        skipWs();
        if (!eat(c)) {
            throw error("expected " + expected);
        }
    }

    private boolean eat(char c) {
        if (!atEnd() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private char peek() {
        return atEnd() ? '\0' : text.charAt(pos);
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private void skipWs() {
        while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private MonitorQueryException error(String problem) {
        return errorAt(problem, pos);
    }

    private MonitorQueryException errorAt(String problem, int at) {
        return new MonitorQueryException(problem + " at column " + (at + 1) + ", found " + found(at), at + 1);
    }

    private String found(int at) {
        if (at >= text.length()) {
            return "end of query";
        }
        int end = at;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || "_.:".indexOf(text.charAt(end))
                >= 0)) {
            end++;
        }
        return "'" + (end > at ? text.substring(at, end) : String.valueOf(text.charAt(at))) + "'";
    }
}
