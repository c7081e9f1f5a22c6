package tocsin.query.promql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tocsin.query.QuerySyntaxException;
import tocsin.query.UnsupportedQueryException;
import tocsin.query.promql.Expr.Aggregate;
import tocsin.query.promql.Expr.Binary;
import tocsin.query.promql.Expr.Call;
import tocsin.query.promql.Expr.MatrixSelector;
import tocsin.query.promql.Expr.NumberLiteral;
import tocsin.query.promql.Expr.Subquery;
import tocsin.query.promql.Expr.Unary;
import tocsin.query.promql.Expr.VectorSelector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParserTest {

    private static String canonical(String q) {
        return Parser.parse(q).toString();
    }

    private static String error(String q) {
        try {
            Parser.parse(q);
        } catch (QuerySyntaxException e) {
            return e.getMessage();
        }
        throw new AssertionError("parsed: " + q);
    }

    @Test
    void numberLiterals() {
        assertThat(Parser.parse("1")).isEqualTo(new NumberLiteral(1));
        assertThat(Parser.parse(".5")).isEqualTo(new NumberLiteral(0.5));
        assertThat(Parser.parse("5.")).isEqualTo(new NumberLiteral(5));
        assertThat(Parser.parse("5e-3")).isEqualTo(new NumberLiteral(0.005));
        assertThat(Parser.parse("0x1F")).isEqualTo(new NumberLiteral(31));
        assertThat(Parser.parse("0755")).isEqualTo(new NumberLiteral(493));
        assertThat(Parser.parse("-0755")).isEqualTo(new NumberLiteral(-493));
        assertThat(Parser.parse("+Inf")).isEqualTo(new NumberLiteral(Double.POSITIVE_INFINITY));
        assertThat(Parser.parse("-inf")).isEqualTo(new NumberLiteral(Double.NEGATIVE_INFINITY));
        assertThat(((NumberLiteral) Parser.parse("NaN")).value()).isNaN();
        assertThat(Parser.parse("+5.5e-3")).isEqualTo(new NumberLiteral(0.0055));
    }

    @Test
    void stringLiterals() {
        assertThat(Parser.parse("\"a\\nb\\\"c\\x41\\u00e9\"")).isEqualTo(new Expr.StringLiteral("a\nb\"cAé"));
        assertThat(Parser.parse("'it\\'s'")).isEqualTo(new Expr.StringLiteral("it's"));
        assertThat(Parser.parse("`raw \\n`")).isEqualTo(new Expr.StringLiteral("raw \\n"));
    }

    @Test
    void precedenceFollowsPrometheus() {
        // Unary minus binds like *, below ^: -1^2 is -(1^2); -1*2 folds the literal.
        assertThat(Parser.parse("-1^2")).isInstanceOf(Unary.class);
        assertThat(Parser.parse("-1*2")).isEqualTo(new Binary(Expr.BinOp.MUL, new NumberLiteral(-1),
                new NumberLiteral(2), false, null, Expr.Type.SCALAR));
        assertThat(canonical("1 + 2 * 3 ^ 2 ^ 2")).isEqualTo("1 + 2 * 3 ^ 2 ^ 2");
        Binary b = (Binary) Parser.parse("1 + 2 * 3");
        assertThat(b.op()).isEqualTo(Expr.BinOp.ADD);
        Binary pow = (Binary) Parser.parse("2 ^ 3 ^ 2");
        assertThat(pow.rhs()).isInstanceOf(Binary.class); // right-associative
        Binary or = (Binary) Parser.parse("foo + bar or bla and blub");
        assertThat(or.op()).isEqualTo(Expr.BinOp.OR);
        assertThat(((Binary) or.rhs()).op()).isEqualTo(Expr.BinOp.AND);
        Binary unless = (Binary) Parser.parse("foo and bar unless baz or qux");
        assertThat(unless.op()).isEqualTo(Expr.BinOp.OR);
        assertThat(((Binary) unless.lhs()).op()).isEqualTo(Expr.BinOp.UNLESS);
        Binary cmp = (Binary) Parser.parse("1 < bool 2 - 1 * 2");
        assertThat(cmp.returnBool()).isTrue();
        assertThat(cmp.op()).isEqualTo(Expr.BinOp.LSS);
    }

    @Test
    void selectors() {
        VectorSelector vs = (VectorSelector) Parser.parse("http_requests_total{job=\"api\", code!=\"200\", "
                + "path=~\"/a|/b\", method!~'GET|HEAD',}");
        assertThat(vs.name()).isEqualTo("http_requests_total");
        assertThat(vs.matchers()).hasSize(5);
        assertThat(vs.toString()).isEqualTo(
                "http_requests_total{job=\"api\", code!=\"200\", path=~\"/a|/b\", method!~\"GET|HEAD\"}");
        assertThat(canonical("{__name__=~\"job:.*\"}")).isEqualTo("{__name__=~\"job:.*\"}");
        assertThat(canonical("job:request_rate:5m")).isEqualTo("job:request_rate:5m");
        assertThat(canonical("{\"service.latency\", \"k8s.pod\"=\"x\"}"))
                .isEqualTo("service.latency{k8s.pod=\"x\"}");
        // Keywords are metric and label names where an expression or label is expected.
        assertThat(canonical("offset{step=\"1s\"}[5m]")).isEqualTo("offset{step=\"1s\"}[5m]");
        assertThat(canonical("foo * sum")).isEqualTo("foo * sum");
    }

    @Test
    void rangesOffsetsAndAt() {
        MatrixSelector ms = (MatrixSelector) Parser.parse("foo[1h30m]");
        assertThat(ms.rangeMillis()).isEqualTo(5_400_000);
        assertThat(((MatrixSelector) Parser.parse("foo[300]")).rangeMillis()).isEqualTo(300_000);
        assertThat(((MatrixSelector) Parser.parse("foo[4.5]")).rangeMillis()).isEqualTo(4_500);
        assertThat(((MatrixSelector) Parser.parse("foo[100ms]")).rangeMillis()).isEqualTo(100);
        assertThat(((MatrixSelector) Parser.parse("foo[2w]")).rangeMillis()).isEqualTo(14 * 86_400_000L);
        assertThat(((MatrixSelector) Parser.parse("foo[1y]")).rangeMillis()).isEqualTo(365 * 86_400_000L);
        assertThat(canonical("foo[5m] OFFSET 1h")).isEqualTo("foo[5m] offset 1h");
        assertThat(canonical("foo offset -5m")).isEqualTo("foo offset -5m");
        assertThat(canonical("foo @ 1609746000")).isEqualTo("foo @ 1609746000");
        assertThat(canonical("foo @ 1609746000.5 offset 5m")).isEqualTo("foo @ 1609746000.500 offset 5m");
        assertThat(canonical("foo offset 5m @ start()")).isEqualTo("foo @ start() offset 5m");
        assertThat(canonical("rate(foo[5m] @ end())")).isEqualTo("rate(foo[5m] @ end())");
    }

    @Test
    void subqueries() {
        Subquery sq = (Subquery) Parser.parse("rate(foo[5m])[30m:1m]");
        assertThat(sq.rangeMillis()).isEqualTo(1_800_000);
        assertThat(sq.stepMillis()).isEqualTo(60_000);
        assertThat(canonical("max_over_time(rate(foo[5m])[1h:] offset 10m)"))
                .isEqualTo("max_over_time(rate(foo[5m])[1h:] offset 10m)");
        assertThat(canonical("min_over_time((foo > 2)[5m:30s])")).isEqualTo("min_over_time((foo > 2)[5m:30s])");
    }

    @Test
    void vectorMatching() {
        Binary b = (Binary) Parser.parse("foo * on(test,blub) group_left(x) bar");
        assertThat(b.matching().card()).isEqualTo(Expr.Cardinality.MANY_TO_ONE);
        assertThat(b.matching().on()).isTrue();
        assertThat(b.matching().labels()).containsExactly("test", "blub");
        assertThat(b.matching().include()).containsExactly("x");
        assertThat(canonical("foo / ignoring(a) group_right bar"))
                .isEqualTo("foo / ignoring(a) group_right bar");
        assertThat(canonical("foo > bool on() bar")).isEqualTo("foo > bool on() bar");
        Binary set = (Binary) Parser.parse("foo and bar");
        assertThat(set.matching().card()).isEqualTo(Expr.Cardinality.MANY_TO_MANY);
        assertThat(((Binary) Parser.parse("foo * 2")).matching()).isNull();
    }

    @Test
    void aggregations() {
        assertThat(canonical("sum by (job) (rate(http_requests_total[5m]))"))
                .isEqualTo("sum by (job) (rate(http_requests_total[5m]))");
        assertThat(canonical("sum(rate(x[5m])) by (job, instance)"))
                .isEqualTo("sum by (job, instance) (rate(x[5m]))");
        assertThat(canonical("SUM WITHOUT (instance) (x)")).isEqualTo("sum without (instance) (x)");
        assertThat(canonical("topk(3, x)")).isEqualTo("topk(3, x)");
        assertThat(canonical("quantile by (a,) (0.9, x)")).isEqualTo("quantile by (a) (0.9, x)");
        assertThat(canonical("count_values(\"value\", x)")).isEqualTo("count_values(\"value\", x)");
        assertThat(canonical("sum by () (x)")).isEqualTo("sum by () (x)");
        Aggregate a = (Aggregate) Parser.parse("bottomk by (a) (2, x)");
        assertThat(a.param()).isEqualTo(new NumberLiteral(2));
        assertThat(a.grouping()).containsExactly("a");
    }

    @Test
    void functions() {
        Call c = (Call) Parser.parse("histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))");
        assertThat(c.function()).isEqualTo(Function.HISTOGRAM_QUANTILE);
        assertThat(canonical("label_replace(up, \"foo\", \"$1\", \"job\", \"(.*)\")"))
                .isEqualTo("label_replace(up, \"foo\", \"$1\", \"job\", \"(.*)\")");
        assertThat(canonical("label_join(up, \"foo\", \",\", \"a\", \"b\", \"c\")"))
                .isEqualTo("label_join(up, \"foo\", \",\", \"a\", \"b\", \"c\")");
        assertThat(canonical("round(x)")).isEqualTo("round(x)");
        assertThat(canonical("round(x, 0.5)")).isEqualTo("round(x, 0.5)");
        assertThat(canonical("time() - timestamp(x)")).isEqualTo("time() - timestamp(x)");
        assertThat(canonical("hour()")).isEqualTo("hour()");
        assertThat(Parser.parse("scalar(x) + vector(1)").type()).isEqualTo(Expr.Type.VECTOR);
        assertThat(canonical("sum # comment\n(x)")).isEqualTo("sum(x)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "~~                         | 1:1: parse error: no expression found in input",
            "1+                         | 1:3: parse error: unexpected end of input",
            ".                          | 1:1: parse error: unexpected character: '.'",
            "2.5.                       | 1:1: parse error: bad number or duration syntax: \"2.5.\"",
            "*1                         | 1:1: parse error: unexpected <op:*>",
            "(1))                       | 1:5: parse error: unexpected right parenthesis ')'",
            "((1)                       | 1:5: parse error: unclosed left parenthesis",
            "1 and 1                    | 1:3: parse error: set operator \"and\" not allowed in binary scalar expression",
            "1 == 1                     | 1:3: parse error: comparisons between scalars must use BOOL modifier",
            "1 !~ 1                     | 1:3: parse error: unexpected character after '!': '~'",
            "1 =~ 1                     | 1:3: parse error: unexpected character after '=': '~'",
            "-\"string\"                | 1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"string\"",
            "1 offset 1d                | 1:3: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
            "foo offset 1s offset 2s    | 1:15: parse error: offset may not be set multiple times",
            "a - on(b) ignoring(c) d    | 1:11: parse error: unexpected <ignoring>",
            "foo{gibberish}             | 1:14: parse error: unexpected \"}\" in label matching, expected label matching operator",
            "foo{1}                     | 1:5: parse error: unexpected character inside braces: '1'",
            "{}                         | 1:1: parse error: vector selector must contain at least one non-empty matcher",
            "{x=~\".*\"}                | 1:1: parse error: vector selector must contain at least one non-empty matcher",
            "foo{__name__=\"bar\"}      | 1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\"",
            "foo{,}                     | 1:5: parse error: unexpected \",\" in label matching, expected identifier or \"}\"",
            "foo{__name__=\"bar\" lol}  | 1:20: parse error: unexpected identifier \"lol\" in label matching, expected \",\" or \"}\"",
            "foo[5mm]                   | 1:5: parse error: unknown unit \"mm\" in duration \"5mm\"",
            "foo[5m1]                   | 1:5: parse error: bad number or duration syntax: \"5m1\"",
            "foo[5m1h]                  | 1:5: parse error: not a valid duration string: \"5m1h\"",
            "foo[0m]                    | 1:5: parse error: duration must be greater than 0",
            "some_metric OFFSET 1m[5m]  | 1:22: parse error: no offset modifiers allowed before range",
            "rate(foo)                  | 1:1: parse error: expected type range vector in call to function \"rate\", got instant vector",
            "rate(foo[5m], 1)           | 1:1: parse error: expected 1 argument(s) in call to \"rate\", got 2",
            "label_join(up, \"a\")      | 1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 2",
            "nonexistent(foo)           | 1:1: parse error: unknown function with name \"nonexistent\"",
            "sum(foo[5m])               | 1:4: parse error: expected type instant vector in aggregation expression, got range vector",
            "topk(foo)                  | 1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1",
            "foo[5m] + 1                | 1:9: parse error: binary expression must contain only scalar and instant vector types",
            "foo + bool bar             | 1:7: parse error: bool modifier can only be used on comparison operators",
            "1 + on(a) foo              | 1:3: parse error: vector matching only allowed between instant vectors",
            "foo and group_left bar     | 1:9: parse error: no grouping allowed for \"and\" operation",
            "foo * on(a) group_left(a) bar | 1:5: parse error: label \"a\" must not occur in ON and GROUP clause at once",
            "(foo)[5m]                  | 1:6: parse error: ranges only allowed for vector selectors",
            "1[5m:1m]                   | 1:2: parse error: subquery is only allowed on instant vector, got scalar instead",
            "foo{a=~\"(\"}              | 1:8: parse error: error parsing regexp: Unclosed group: \"(\"",
    })
    void errorsArePrometheusWordedWithTheirPosition(String query, String message) {
        assertThat(error(query.replace("\\n", "\n"))).isEqualTo(message);
    }

    @Test
    void errorsOnLaterLinesCountLinesAndColumns() {
        assertThat(error("sum(x\n  + )")).isEqualTo("2:5: parse error: unexpected right parenthesis ')'");
        assertThat(error("\"unterminated")).isEqualTo("1:1: parse error: unterminated quoted string");
    }

    @Test
    void errorsCarryTheColumn() {
        assertThatThrownBy(() -> Parser.parse("sum(rate(x[5m])"))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> assertThat(e.column()).isEqualTo(16));
    }

    @Test
    void prometheusFunctionsTocsinLacksAreUnsupportedNotUnknown() {
        assertThatThrownBy(() -> Parser.parse("holt_winters(x[5m], 0.5, 0.5)"))
                .isInstanceOf(UnsupportedQueryException.class)
                .hasMessageContaining("holt_winters");
    }

    @Test
    void seriesSelectorsForMatchParameters() {
        assertThat(Parser.parseSelector("up{job=\"api\"}").name()).isEqualTo("up");
        assertThatThrownBy(() -> Parser.parseSelector("rate(up[5m])")).isInstanceOf(QuerySyntaxException.class)
                .hasMessage("1:1: parse error: expected a vector selector, got instant vector");
        assertThatThrownBy(() -> Parser.parseSelector("up[5m]")).isInstanceOf(QuerySyntaxException.class);
    }

    @Test
    void regexMatchersAreAnchoredAndTranslated() {
        VectorSelector vs = (VectorSelector) Parser.parse("x{a=~\"b.*\", c=~\"[[:digit:]]+\", d=~\"(?P<n>x)\"}");
        assertThat(vs.matchers().get(1).matches("bcd")).isTrue();
        assertThat(vs.matchers().get(1).matches("abc")).isFalse();
        assertThat(vs.matchers().get(1).matches("b\nc")).isTrue();
        assertThat(vs.matchers().get(2).matches("123")).isTrue();
        assertThat(vs.matchers().get(3).matches("x")).isTrue();
        assertThat(LabelMatcher.of(LabelMatcher.Type.RE, "a", "web-1|web-2|db\\.1").literalAlternatives())
                .containsExactly("web-1", "web-2", "db.1");
        assertThat(LabelMatcher.of(LabelMatcher.Type.RE, "a", "web.*").literalAlternatives()).isNull();
    }
}
