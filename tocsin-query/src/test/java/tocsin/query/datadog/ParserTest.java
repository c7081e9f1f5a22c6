package tocsin.query.datadog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tocsin.query.QuerySyntaxException;
import tocsin.query.TagFilter;
import tocsin.query.UnsupportedQueryException;
import tocsin.query.datadog.Expr.Aggregator;
import tocsin.query.datadog.Expr.Binary;
import tocsin.query.datadog.Expr.Call;
import tocsin.query.datadog.Expr.Fill;
import tocsin.query.datadog.Expr.FillMode;
import tocsin.query.datadog.Expr.MetricQuery;
import tocsin.query.datadog.Expr.Modifier;
import tocsin.query.datadog.Expr.Neg;
import tocsin.query.datadog.Expr.Num;
import tocsin.query.datadog.Expr.Paren;
import tocsin.query.datadog.Expr.Rollup;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParserTest {

    private static Expr one(String query) {
        List<Expr> e = Parser.parse(query);
        assertThat(e).hasSize(1);
        return e.getFirst();
    }

    private static MetricQuery leaf(String query) {
        return (MetricQuery) one(query);
    }

    @Test
    void fullMetricQuery() {
        MetricQuery q = leaf("sum:trace.http.request.hits{env:prod,!host:a} by {host,az}.rollup(sum, 60)"
                + ".as_count().fill(zero, 120)");
        assertThat(q.spaceAggregator()).isEqualTo("sum");
        assertThat(q.metric()).isEqualTo("trace.http.request.hits");
        assertThat(q.filter().toString()).isEqualTo("env:prod,!host:a");
        assertThat(q.groupBy()).containsExactly("host", "az");
        assertThat(q.rollup()).isEqualTo(new Rollup(Aggregator.SUM, 60));
        assertThat(q.modifier()).isEqualTo(Modifier.AS_COUNT);
        assertThat(q.fill()).isEqualTo(new Fill(FillMode.ZERO, 120));
    }

    @Test
    void minimalFormsAndSpacing() {
        MetricQuery q = leaf("system.cpu.idle{*}");
        assertThat(q.spaceAggregator()).isNull();
        assertThat(q.filter()).isSameAs(TagFilter.any());
        assertThat(q.groupBy()).isEmpty();
        assertThat(q.rollup()).isNull();
        assertThat(q.modifier()).isEqualTo(Modifier.NONE);

        assertThat(leaf("avg:m{*}by{host}").groupBy()).containsExactly("host");
        assertThat(leaf("avg: m {host:a} by { host , env }").groupBy()).containsExactly("host", "env");
        assertThat(leaf("m{*}.rollup(60)").rollup()).isEqualTo(new Rollup(null, 60));
        assertThat(leaf("m{*}.rollup(max)").rollup()).isEqualTo(new Rollup(Aggregator.MAX, 0));
        assertThat(leaf("m{*}.fill(last)").fill()).isEqualTo(new Fill(FillMode.LAST, 300));
        assertThat(leaf("m{*}.as_rate().weighted()").modifier()).isEqualTo(Modifier.AS_RATE);
        assertThat(leaf("p95:latency{service:web}").spaceAggregator()).isEqualTo("p95");
        assertThat(leaf("p99.9:latency{*}").spaceAggregator()).isEqualTo("p99.9");
    }

    @Test
    void booleanScopes() {
        assertThat(leaf("avg:m{env:staging AND (availability-zone:us-east-1a OR availability-zone:us-east-1c)}")
                .filter().toString())
                .isEqualTo("env:staging AND (availability-zone:us-east-1a OR availability-zone:us-east-1c)");
        assertThat(leaf("m{env:prod and not host:a}").filter()).isEqualTo(new TagFilter.And(List.of(
                new TagFilter.Tag("env:prod"), new TagFilter.Not(new TagFilter.Tag("host:a")))));
        TagFilter in = leaf("m{env:shop.ist AND availability-zone IN (us-east-1a, us-east-1b)}").filter();
        assertThat(in.toString()).isEqualTo(
                "env:shop.ist AND (availability-zone:us-east-1a OR availability-zone:us-east-1b)");
        TagFilter notIn = leaf("m{env:prod AND location NOT IN (atlanta,seattle)}").filter();
        assertThat(notIn.toString()).isEqualTo("env:prod AND NOT (location:atlanta OR location:seattle)");
        assertThat(leaf("m{!device:/dev/loop*}").filter()).isEqualTo(
                new TagFilter.Not(new TagFilter.Wildcard("device:/dev/loop*")));
        assertThat(leaf("m{service:*-canary}").filter()).isEqualTo(new TagFilter.Wildcard("service:*-canary"));
        assertThat(leaf("m{*,host:a}").filter()).isEqualTo(new TagFilter.Tag("host:a"));
    }

    @Test
    void arithmeticPrecedenceAndParentheses() {
        Binary sum = (Binary) one("a{*} + b{*} * 2");
        assertThat(sum.op()).isEqualTo('+');
        assertThat(sum.right()).isInstanceOf(Binary.class);
        assertThat(((Binary) sum.right()).op()).isEqualTo('*');

        Binary ratio = (Binary) one("(a{*} + b{*}) / 2");
        assertThat(ratio.left()).isInstanceOf(Paren.class);
        assertThat(ratio.right()).isEqualTo(new Num(2, 16, 17));

        Binary leftAssoc = (Binary) one("a{*} - b{*} - c{*}");
        assertThat(leftAssoc.left()).isInstanceOf(Binary.class);

        assertThat(one("-a{*}")).isInstanceOf(Neg.class);
        assertThat(((Binary) one("-2.5e1 * a{*}")).left()).isEqualTo(new Num(-25, 0, 6));
    }

    @Test
    void functionsResolveArgumentsAndShorthands() {
        Call top = (Call) one("top(avg:m{*} by {host}, 5, 'max', 'asc')");
        assertThat(top.function()).isEqualTo(Function.TOP);
        assertThat(top.options()).isEqualTo(new Expr.Options(0, 5, "max", false));
        assertThat(((Call) one("top(m{*} by {host})")).options()).isEqualTo(new Expr.Options(0, 10, "mean", true));
        assertThat(((Call) one("top(m{*} by {host}, 10, mean, desc)")).options().rankBy()).isEqualTo("mean");
        Call shorthand = (Call) one("bottom10_max(m{*} by {host})");
        assertThat(shorthand.function()).isEqualTo(Function.BOTTOM);
        assertThat(shorthand.options()).isEqualTo(new Expr.Options(0, 10, "max", false));
        Call shift = (Call) one("timeshift(m{*}, -3600)");
        assertThat(shift.options().number()).isEqualTo(-3600);
        assertThat(((Call) one("ewma_10(m{*})")).options().number()).isEqualTo(10);
        assertThat(((Call) one("median_9(m{*})")).function()).isEqualTo(Function.MEDIAN);
        assertThat(((Call) one("abs(a{*} - b{*})")).query()).isInstanceOf(Binary.class);
        assertThat(((Call) one("clamp_max(m{*}, 0.5)")).options().number()).isEqualTo(0.5);
    }

    @Test
    void commaSeparatedQueries() {
        List<Expr> e = Parser.parse("avg:a{*} by {host}, sum:b{env:prod,host:x}, top5_max(c{*} by {host})");
        assertThat(e).hasSize(3);
        assertThat(DatadogQuery.parse("a{*} by {host}, b{*} by {az,host}").groupBy()).containsExactly("host", "az");
    }

    @Test
    void everyNodeKnowsItsText() {
        String q = "abs(avg:m{*} by {host}.rollup(sum, 60)) * 2";
        Binary b = (Binary) one(q);
        MetricQuery m = (MetricQuery) ((Call) b.left()).query();
        assertThat(q.substring(m.start(), m.end())).isEqualTo("avg:m{*} by {host}.rollup(sum, 60)");
        assertThat(q.substring(m.suffixStart(), m.end())).isEqualTo(".rollup(sum, 60)");
        assertThat(q.substring(b.start(), b.end())).isEqualTo(q);
    }

    // Errors: the message names what was expected, the column (1-based) and what was found there.

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            avg:m{host:a                    | expected ',', '}', AND or OR at column 13, found end of query
            avg:m{host:a by {host}          | expected ',', '}', AND or OR at column 14, found 'by'
            abs(m{*}                        | expected ',' or ')' at column 9, found end of query
            m{*})                           | unbalanced ')': expected an operator, ',' or end of query at column 5, found ')'
            (m{*}                           | expected ')' or an operator at column 6, found end of query
            m{*} m{*}                       | expected an operator, ',' or end of query at column 6, found 'm'
            avg:m{}                         | empty scope: expected '*' or a tag filter such as env:prod at column 7, found '}'
            avg:m{ }                        | empty scope: expected '*' or a tag filter such as env:prod at column 8, found '}'
            avg:system.cpu                  | expected '{' after metric name 'system.cpu' at column 15, found end of query
            avg:m{*} by host                | expected '{' after 'by' at column 13, found 'host'
            avg:m{*} by {}                  | expected a tag key at column 14, found '}'
            foo(m{*})                       | unknown function 'foo' at column 1
            abs(m{*}, 2)                    | abs() takes 1 argument, got 2 at column 1
            timeshift(m{*})                 | timeshift() takes 2 arguments, got 1 at column 1
            top(m{*}, 5, 'max', 'desc', 1)  | top() takes 1 to 4 arguments, got 5 at column 1
            top5_mean(m{*}, 3)              | top5_mean() takes 1 argument, got 2 at column 1
            ewma_4(m{*})                    | unknown function 'ewma_4' at column 1
            timeshift(m{*}, 'x')            | argument 2 of timeshift() must be a number at column 17, found 'x'
            top(m{*}, 'five')               | argument 2 of top() must be a whole number of series, at least 1 at column 11, found 'five'
            top(m{*}, 2.5)                  | argument 2 of top() must be a whole number of series, at least 1 at column 11, found '2.5'
            top(m{*}, 5, 'median')          | argument 3 of top() must be one of 'max', 'mean', 'min', 'sum', 'last', 'l2norm', 'norm' or 'area' at column 14, found 'median'
            top(m{*}, 5, 'max', 'up')       | argument 4 of top() must be 'asc' or 'desc' at column 21, found 'up'
            abs(5)                          | argument 1 of abs() must be a metric query at column 5, found '5'
            abs(mean)                       | argument 1 of abs() must be a metric query at column 5, found 'mean'
            clamp_min(m{*}, n{*})           | argument 2 of clamp_min() must be a number at column 17, found 'n'
            top(m{*}, 'max)                 | unterminated string: expected a closing ' at column 11, found 'max)
            median:m{*}                     | unknown aggregator 'median': expected avg, sum, min, max, count or a percentile such as p95 at column 1
            m{*}.rollup(mean)               | unknown rollup aggregator 'mean': expected avg, sum, min, max or count at column 13
            m{*}.rollup()                   | expected a rollup aggregator (avg, sum, min, max or count) or a number of seconds at column 13, found ')'
            m{*}.rollup(sum, 0)             | the rollup interval must be between 1 and 31622400 seconds at column 18, found '0'
            m{*}.rollup(sum, 1.5)           | expected the rollup interval as a whole number of seconds at column 18, found '1.5'
            m{*}.rollup(sum 60)             | expected ',' or ')' at column 17, found '60'
            m{*}.fill(average)              | expected a fill method: null, zero, linear or last at column 11, found 'average'
            m{*}.as_counts()                | unknown modifier '.as_counts()': expected .rollup(), .as_count(), .as_rate(), .fill() or .weighted() at column 5, found '.as_counts'
            m{*}.as_count().as_rate()       | a query takes at most one of .as_count() and .as_rate() at column 16, found '.as_rate'
            m{*}.as_count(1)                | .as_count() takes no arguments: expected ')' at column 15, found '1'
            abs(m{*}).rollup(sum)           | modifiers such as .rollup() and .as_count() follow a metric query, not a function or parentheses at column 10, found '.rollup'
            m{env:prod AND !host:a}         | boolean operators (AND, OR, NOT, IN) cannot be mixed with ',' or '!' at column 16, found '!'
            m{env:prod,host:a OR host:b}    | boolean operators (AND, OR, NOT, IN) cannot be mixed with ',' or '!' at column 19, found 'OR'
            m{env:prod AND (a OR b}         | expected ')', AND or OR at column 23, found '}'
            m{region IN us}                 | expected '(' after IN at column 13, found 'us'
            m{host:a IN (x)}                | expected a tag key before IN at column 3, found 'host:a'
            m{region IN (x y)}              | expected ',' or ')' at column 16, found 'y'
            m{!}                            | expected a tag after '!' at column 4, found '}'
            avg:m{*} +                      | expected a metric query, a number or '(' at column 11, found end of query
            avg:m{*} * * 2                  | expected a metric query, a number or '(' at column 12, found '*'
            1 + 2                           | a query needs at least one metric, such as avg:system.cpu.user{*} at column 1
            a{*},                           | expected a metric query, a number or '(' at column 6, found end of query
            5m{*}                           | expected a number at column 2, found 'm'
            """)
    void syntaxErrorsSayWhatWasExpectedWhere(String query, String message) {
        assertThatThrownBy(() -> Parser.parse(query))
                .isInstanceOf(QuerySyntaxException.class)
                .hasMessage(message);
    }

    @Test
    void errorsCarryTheColumn() {
        assertThatThrownBy(() -> Parser.parse("avg:system.cpu.user{host:a,env:prod"))
                .isInstanceOfSatisfying(QuerySyntaxException.class, e -> assertThat(e.column()).isEqualTo(36));
    }

    @Test
    void emptyQuery() {
        assertThatThrownBy(() -> Parser.parse("  "))
                .isInstanceOf(QuerySyntaxException.class)
                .hasMessage("empty query: expected a metric query such as avg:system.cpu.user{*} at column 1");
    }

    @Test
    void datadogFunctionsTocsinLacksAreUnsupportedNotUnknown() {
        assertThatThrownBy(() -> Parser.parse("anomalies(avg:m{*}, 'basic', 2)"))
                .isInstanceOf(UnsupportedQueryException.class)
                .hasMessage("function anomalies() is not supported by Tocsin yet");
        assertThatThrownBy(() -> Parser.parse("forecast(m{*}, 'linear', 1)"))
                .isInstanceOf(UnsupportedQueryException.class);
    }
}
