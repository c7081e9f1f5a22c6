package tocsin.query.datadog;

import tocsin.query.QuerySyntaxException;
import tocsin.query.TagFilter;
import tocsin.query.datadog.Expr.Aggregator;
import tocsin.query.datadog.Expr.Binary;
import tocsin.query.datadog.Expr.Call;
import tocsin.query.datadog.Expr.Fill;
import tocsin.query.datadog.Expr.FillMode;
import tocsin.query.datadog.Expr.MetricQuery;
import tocsin.query.datadog.Expr.Modifier;
import tocsin.query.datadog.Expr.Neg;
import tocsin.query.datadog.Expr.Num;
import tocsin.query.datadog.Expr.Options;
import tocsin.query.datadog.Expr.Paren;
import tocsin.query.datadog.Expr.Rollup;
import tocsin.query.datadog.Expr.Word;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recursive-descent parser for Datadog metric queries. Every failure is a {@link QuerySyntaxException} naming the
 * column and what was expected there, as Datadog's monitor validation reports them.
 *
 * <pre>
 * queries    := expr (',' expr)* END
 * expr       := term (('+' | '-') term)*
 * term       := unary (('*' | '/') unary)*
 * unary      := '-' unary | primary
 * primary    := NUMBER | '(' expr ')' | NAME '(' args ')' | metric
 * metric     := [AGGREGATOR ':'] METRIC scope ['by' '{' key (',' key)* '}'] modifier*
 * modifier   := '.rollup(' [agg] [',' secs] ')' | '.as_count()' | '.as_rate()' | '.fill(' mode [',' secs] ')'
 *             | '.weighted()'
 * </pre>
 *
 * Not thread-safe; use one per query text (see {@link #parse}).
 */
final class Parser {
    private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,2}(\\.\\d+)?|100)");
    private static final String AGGREGATORS = "avg, sum, min, max, count or a percentile such as p95";

    private final Cursor c;

    private Parser(String text) {
        this.c = new Cursor(text);
    }

    /** Parses comma-separated queries; each must read at least one metric. */
    static List<Expr> parse(String text) {
        Parser p = new Parser(text);
        p.c.skipWs();
        if (p.c.atEnd()) {
            throw new QuerySyntaxException("empty query: expected a metric query such as avg:system.cpu.user{*}",
                    1, null);
        }
        List<Expr> queries = new ArrayList<>();
        while (true) {
            p.c.skipWs();
            int start = p.c.pos;
            Expr e = p.expr();
            if (Expr.leaves(e).isEmpty()) {
                throw new QuerySyntaxException("a query needs at least one metric, such as avg:system.cpu.user{*}",
                        start + 1, null);
            }
            queries.add(e);
            p.c.skipWs();
            if (p.c.atEnd()) {
                return queries;
            }
            if (!p.c.eat(',')) {
                throw p.c.error(p.c.peek() == ')' ? "unbalanced ')': expected an operator, ',' or end of query"
                        : "expected an operator, ',' or end of query");
            }
        }
    }

    private Expr expr() {
        Expr left = term();
        while (true) {
            c.skipWs();
            char op = c.peek();
            if (op != '+' && op != '-') {
                return left;
            }
            c.pos++;
            Expr right = term();
            left = new Binary(op, left, right, left.start(), right.end());
        }
    }

    private Expr term() {
        Expr left = unary();
        while (true) {
            c.skipWs();
            char op = c.peek();
            if (op != '*' && op != '/') {
                return left;
            }
            c.pos++;
            Expr right = unary();
            left = new Binary(op, left, right, left.start(), right.end());
        }
    }

    private Expr unary() {
        c.skipWs();
        if (c.peek() == '-') {
            int start = c.pos++;
            Expr operand = unary();
            return operand instanceof Num n ? new Num(-n.value(), start, n.end()) : new Neg(operand, start,
                    operand.end());
        }
        Expr e = primary();
        int save = c.pos;
        c.skipWs();
        if (c.peek() == '.' && Cursor.isNameStart(c.peekAt(1))) {
            throw c.error("modifiers such as .rollup() and .as_count() follow a metric query, not a function or "
                    + "parentheses");
        }
        c.pos = save;
        return e;
    }

    private Expr primary() {
        c.skipWs();
        int start = c.pos;
        char ch = c.peek();
        if (c.atEnd()) {
            throw c.error("expected a metric query, a number or '('");
        }
        if (ch == '(') {
            c.pos++;
            Expr inner = expr();
            c.skipWs();
            if (!c.eat(')')) {
                throw c.error("expected ')' or an operator");
            }
            return new Paren(inner, start, c.pos);
        }
        if (Character.isDigit(ch) || (ch == '.' && Character.isDigit(c.peekAt(1)))) {
            return number();
        }
        if (!Cursor.isNameStart(ch)) {
            throw c.error("expected a metric query, a number or '('");
        }
        String name = c.readName();
        if (c.peek() == ':') {
            return aggregatedMetric(name, start);
        }
        int afterName = c.pos;
        c.skipWs();
        if (c.peek() == '(') {
            return call(name, start);
        }
        if (c.peek() == '{') {
            return metric(null, name, start);
        }
        throw c.errorAt("expected '{' after metric name '" + name + "'", afterName);
    }

    private Num number() {
        int start = c.pos;
        while (Character.isDigit(c.peek())) {
            c.pos++;
        }
        if (c.peek() == '.') {
            c.pos++;
            while (Character.isDigit(c.peek())) {
                c.pos++;
            }
        }
        if ((c.peek() == 'e' || c.peek() == 'E')
                && (Character.isDigit(c.peekAt(1))
                || ((c.peekAt(1) == '-' || c.peekAt(1) == '+') && Character.isDigit(c.peekAt(2))))) {
            c.pos += 2;
            while (Character.isDigit(c.peek())) {
                c.pos++;
            }
        }
        if (Cursor.isNameStart(c.peek())) {
            throw c.error("expected a number");
        }
        return new Num(Double.parseDouble(c.text.substring(start, c.pos)), start, c.pos);
    }

    private MetricQuery aggregatedMetric(String aggregator, int start) {
        String agg = aggregator.toLowerCase(Locale.ROOT);
        if (!Set.of("avg", "sum", "min", "max", "count").contains(agg) && !PERCENTILE.matcher(agg).matches()) {
            throw new QuerySyntaxException("unknown aggregator '" + aggregator + "': expected " + AGGREGATORS,
                    start + 1, null);
        }
        c.pos++; // ':'
        c.skipWs();
        if (!Cursor.isNameStart(c.peek())) {
            throw c.error("expected a metric name after '" + aggregator + ":'");
        }
        int nameStart = c.pos;
        String metric = c.readName();
        c.skipWs();
        if (c.peek() == '(') {
            throw c.errorAt("expected '{' after metric name '" + metric + "'", nameStart + metric.length());
        }
        return metric(agg, metric, start);
    }

    private MetricQuery metric(String aggregator, String metric, int start) {
        c.skipWs();
        if (c.peek() != '{') {
            throw c.error("expected '{' after metric name '" + metric + "'");
        }
        if (metric.endsWith(".") || metric.contains("..")) {
            throw new QuerySyntaxException("invalid metric name '" + metric + "'", start + 1, null);
        }
        int scopeStart = c.pos;
        TagFilter filter = new ScopeParser(c).parse();
        int suffixStart = c.pos;
        List<String> groupBy = List.of();
        c.skipWs();
        if (c.atKeyword("by")) {
            c.pos += 2;
            groupBy = groupBy();
            suffixStart = c.pos;
        } else {
            c.pos = suffixStart;
        }
        Rollup rollup = null;
        Modifier modifier = Modifier.NONE;
        Fill fill = null;
        while (true) {
            int save = c.pos;
            c.skipWs();
            if (c.peek() != '.' || !Cursor.isNameStart(c.peekAt(1))) {
                c.pos = save;
                break;
            }
            int dot = c.pos++;
            String name = c.readName();
            switch (name) {
                case "rollup" -> {
                    if (rollup != null) {
                        throw c.errorAt("a query takes at most one .rollup()", dot);
                    }
                    rollup = rollup();
                }
                case "as_count", "as_rate" -> {
                    if (modifier != Modifier.NONE) {
                        throw c.errorAt("a query takes at most one of .as_count() and .as_rate()", dot);
                    }
                    modifier = name.equals("as_count") ? Modifier.AS_COUNT : Modifier.AS_RATE;
                    noArguments(name);
                }
                case "fill" -> {
                    if (fill != null) {
                        throw c.errorAt("a query takes at most one .fill()", dot);
                    }
                    fill = fill();
                }
                case "weighted" -> noArguments(name);
                default -> throw c.errorAt("unknown modifier '." + name + "()': expected .rollup(), .as_count(), "
                        + ".as_rate(), .fill() or .weighted()", dot);
            }
        }
        return new MetricQuery(aggregator, metric, filter, groupBy, rollup, modifier, fill, start, scopeStart,
                suffixStart, c.pos);
    }

    private List<String> groupBy() {
        c.skipWs();
        if (!c.eat('{')) {
            throw c.error("expected '{' after 'by'");
        }
        Set<String> keys = new LinkedHashSet<>();
        do {
            c.skipWs();
            int start = c.pos;
            while (!c.atEnd() && !Character.isWhitespace(c.peek()) && "{}(),:!".indexOf(c.peek()) < 0) {
                c.pos++;
            }
            if (c.pos == start) {
                throw c.error("expected a tag key");
            }
            keys.add(c.text.substring(start, c.pos));
            c.skipWs();
        } while (c.eat(','));
        if (!c.eat('}')) {
            throw c.error("expected ',' or '}'");
        }
        return List.copyOf(keys);
    }

    private void noArguments(String name) {
        c.skipWs();
        if (!c.eat('(')) {
            throw c.error("expected '(' after ." + name);
        }
        c.skipWs();
        if (!c.eat(')')) {
            throw c.error("." + name + "() takes no arguments: expected ')'");
        }
    }

    private Rollup rollup() {
        c.expect('(', "'(' after .rollup");
        c.skipWs();
        Aggregator aggregator = null;
        if (Cursor.isNameStart(c.peek())) {
            int at = c.pos;
            String name = c.readName();
            aggregator = switch (name) {
                case "avg" -> Aggregator.AVG;
                case "sum" -> Aggregator.SUM;
                case "min" -> Aggregator.MIN;
                case "max" -> Aggregator.MAX;
                case "count" -> Aggregator.COUNT;
                default -> throw new QuerySyntaxException("unknown rollup aggregator '" + name
                        + "': expected avg, sum, min, max or count", at + 1, null);
            };
            c.skipWs();
            if (c.eat(')')) {
                return new Rollup(aggregator, 0);
            }
            if (!c.eat(',')) {
                throw c.error("expected ',' or ')'");
            }
            c.skipWs();
        } else if (!Character.isDigit(c.peek())) {
            throw c.error("expected a rollup aggregator (avg, sum, min, max or count) or a number of seconds");
        }
        long seconds = seconds("rollup interval");
        c.expect(')', "')'");
        return new Rollup(aggregator, seconds);
    }

    private Fill fill() {
        c.expect('(', "'(' after .fill");
        c.skipWs();
        int at = c.pos;
        String name = c.readName();
        FillMode mode = switch (name) {
            case "null" -> FillMode.NULL;
            case "zero" -> FillMode.ZERO;
            case "linear" -> FillMode.LINEAR;
            case "last" -> FillMode.LAST;
            default -> throw c.errorAt("expected a fill method: null, zero, linear or last", at);
        };
        c.skipWs();
        long limit = 300;
        if (c.eat(',')) {
            c.skipWs();
            limit = seconds("fill limit");
        }
        c.expect(')', "',' or ')'");
        return new Fill(mode, limit);
    }

    /** A positive whole number of seconds. */
    private long seconds(String what) {
        int start = c.pos;
        while (Character.isDigit(c.peek())) {
            c.pos++;
        }
        if (c.pos == start || c.peek() == '.' || Cursor.isNameStart(c.peek())) {
            throw c.errorAt("expected the " + what + " as a whole number of seconds", start);
        }
        try {
            long s = Long.parseLong(c.text.substring(start, c.pos));
            if (s <= 0 || s > 366L * 86_400) {
                throw c.errorAt("the " + what + " must be between 1 and 31622400 seconds", start);
            }
            return s;
        } catch (NumberFormatException e) {
            throw c.errorAt("the " + what + " must be between 1 and 31622400 seconds", start);
        }
    }

    private Call call(String name, int start) {
        Function.Resolved resolved = Function.resolve(name).orElseThrow(() -> new QuerySyntaxException(
                "unknown function '" + name + "'", start + 1, null));
        c.pos++; // '('
        List<Expr> args = new ArrayList<>();
        c.skipWs();
        if (!c.eat(')')) {
            while (true) {
                args.add(argument());
                c.skipWs();
                if (c.eat(')')) {
                    break;
                }
                if (!c.eat(',')) {
                    throw c.error("expected ',' or ')'");
                }
            }
        }
        Function f = resolved.function();
        int max = resolved.shorthand() ? 1 : f.args.size();
        int min = resolved.shorthand() ? 1 : f.required;
        if (args.size() < min || args.size() > max) {
            throw new QuerySyntaxException(name + "() " + f.arity(resolved.shorthand()) + ", got " + args.size(),
                    start + 1, null);
        }
        Options o = resolved.defaults();
        double number = o.number();
        int limit = o.limit();
        String rankBy = o.rankBy();
        boolean descending = o.descending();
        for (int i = 0; i < args.size(); i++) {
            Expr a = args.get(i);
            Function.Arg kind = f.args.get(i);
            String wrong = "argument " + (i + 1) + " of " + name + "() must be " + kind.description;
            switch (kind) {
                case QUERY -> {
                    if (a instanceof Word || Expr.leaves(a).isEmpty()) {
                        throw c.errorAt(wrong, a.start());
                    }
                }
                case NUMBER -> {
                    if (!(a instanceof Num n)) {
                        throw c.errorAt(wrong, a.start());
                    }
                    number = n.value();
                }
                case LIMIT -> {
                    if (!(a instanceof Num n) || n.value() < 1 || n.value() != Math.rint(n.value())
                            || n.value() > 10_000) {
                        throw c.errorAt(wrong, a.start());
                    }
                    limit = (int) n.value();
                }
                case RANK_BY -> {
                    if (!(a instanceof Word w) || !Function.RANK_BY.contains(w.text())) {
                        throw c.errorAt(wrong, a.start());
                    }
                    rankBy = w.text();
                }
                case DIRECTION -> {
                    if (!(a instanceof Word w) || !(w.text().equals("asc") || w.text().equals("desc"))) {
                        throw c.errorAt(wrong, a.start());
                    }
                    descending = w.text().equals("desc");
                }
            }
        }
        return new Call(f, List.copyOf(args), new Options(number, limit, rankBy, descending), start, c.pos);
    }

    /** A function argument: a quoted string, a bare word such as {@code mean}, or an expression. */
    private Expr argument() {
        c.skipWs();
        int start = c.pos;
        char q = c.peek();
        if (q == '\'' || q == '"') {
            int close = c.text.indexOf(q, start + 1);
            if (close < 0) {
                throw c.error("unterminated string: expected a closing " + q);
            }
            c.pos = close + 1;
            return new Word(c.text.substring(start + 1, close), start, c.pos);
        }
        if (Cursor.isNameStart(q)) {
            String name = c.readName();
            int end = c.pos;
            c.skipWs();
            if (c.peek() == ',' || c.peek() == ')') {
                return new Word(name, start, end);
            }
            c.pos = start;
        }
        return expr();
    }
}
