package tocsin.query.promql;

import tocsin.query.promql.Expr.Type;

import java.util.Locale;
import java.util.Set;

import static tocsin.query.promql.Expr.Type.MATRIX;
import static tocsin.query.promql.Expr.Type.SCALAR;
import static tocsin.query.promql.Expr.Type.STRING;
import static tocsin.query.promql.Expr.Type.VECTOR;

/**
 * The PromQL functions Tocsin evaluates, with Prometheus's signatures: argument types, how many trailing arguments
 * are optional ({@code variadic} &gt; 0) or repeatable (-1), the result type. The parser checks calls against these;
 * the evaluator implements each in {@link RangeFunctions} (range-vector arguments) or {@link InstantFunctions}.
 */
enum Function {
    // Range-vector functions.
    RATE(VECTOR, 0, MATRIX),
    IRATE(VECTOR, 0, MATRIX),
    INCREASE(VECTOR, 0, MATRIX),
    DELTA(VECTOR, 0, MATRIX),
    IDELTA(VECTOR, 0, MATRIX),
    DERIV(VECTOR, 0, MATRIX),
    PREDICT_LINEAR(VECTOR, 0, MATRIX, SCALAR),
    CHANGES(VECTOR, 0, MATRIX),
    RESETS(VECTOR, 0, MATRIX),
    AVG_OVER_TIME(VECTOR, 0, MATRIX),
    MIN_OVER_TIME(VECTOR, 0, MATRIX),
    MAX_OVER_TIME(VECTOR, 0, MATRIX),
    SUM_OVER_TIME(VECTOR, 0, MATRIX),
    COUNT_OVER_TIME(VECTOR, 0, MATRIX),
    LAST_OVER_TIME(VECTOR, 0, MATRIX),
    STDDEV_OVER_TIME(VECTOR, 0, MATRIX),
    STDVAR_OVER_TIME(VECTOR, 0, MATRIX),
    PRESENT_OVER_TIME(VECTOR, 0, MATRIX),
    QUANTILE_OVER_TIME(VECTOR, 0, SCALAR, MATRIX),
    ABSENT_OVER_TIME(VECTOR, 0, MATRIX),

    // Element-wise math on an instant vector.
    ABS(VECTOR, 0, VECTOR),
    CEIL(VECTOR, 0, VECTOR),
    FLOOR(VECTOR, 0, VECTOR),
    EXP(VECTOR, 0, VECTOR),
    LN(VECTOR, 0, VECTOR),
    LOG2(VECTOR, 0, VECTOR),
    LOG10(VECTOR, 0, VECTOR),
    SQRT(VECTOR, 0, VECTOR),
    SGN(VECTOR, 0, VECTOR),
    ACOS(VECTOR, 0, VECTOR),
    ASIN(VECTOR, 0, VECTOR),
    ATAN(VECTOR, 0, VECTOR),
    COS(VECTOR, 0, VECTOR),
    SIN(VECTOR, 0, VECTOR),
    TAN(VECTOR, 0, VECTOR),
    ACOSH(VECTOR, 0, VECTOR),
    ASINH(VECTOR, 0, VECTOR),
    ATANH(VECTOR, 0, VECTOR),
    COSH(VECTOR, 0, VECTOR),
    SINH(VECTOR, 0, VECTOR),
    TANH(VECTOR, 0, VECTOR),
    DEG(VECTOR, 0, VECTOR),
    RAD(VECTOR, 0, VECTOR),
    ROUND(VECTOR, 1, VECTOR, SCALAR),
    CLAMP(VECTOR, 0, VECTOR, SCALAR, SCALAR),
    CLAMP_MIN(VECTOR, 0, VECTOR, SCALAR),
    CLAMP_MAX(VECTOR, 0, VECTOR, SCALAR),

    // Calendar functions of a vector of Unix seconds, vector(time()) by default.
    DAY_OF_MONTH(VECTOR, 1, VECTOR),
    DAY_OF_WEEK(VECTOR, 1, VECTOR),
    DAY_OF_YEAR(VECTOR, 1, VECTOR),
    DAYS_IN_MONTH(VECTOR, 1, VECTOR),
    HOUR(VECTOR, 1, VECTOR),
    MINUTE(VECTOR, 1, VECTOR),
    MONTH(VECTOR, 1, VECTOR),
    YEAR(VECTOR, 1, VECTOR),

    // Everything else.
    HISTOGRAM_QUANTILE(VECTOR, 0, SCALAR, VECTOR),
    LABEL_REPLACE(VECTOR, 0, VECTOR, STRING, STRING, STRING, STRING),
    LABEL_JOIN(VECTOR, -1, VECTOR, STRING, STRING, STRING),
    TIME(SCALAR, 0),
    PI(SCALAR, 0),
    TIMESTAMP(VECTOR, 0, VECTOR),
    VECTOR_FN("vector", VECTOR, 0, SCALAR),
    SCALAR_FN("scalar", SCALAR, 0, VECTOR),
    SORT(VECTOR, 0, VECTOR),
    SORT_DESC(VECTOR, 0, VECTOR),
    ABSENT(VECTOR, 0, VECTOR);

    /** Prometheus functions Tocsin does not evaluate yet: a call is refused as unsupported, not as unknown. */
    static final Set<String> NOT_IMPLEMENTED = Set.of("holt_winters", "double_exponential_smoothing",
            "histogram_count", "histogram_sum", "histogram_avg", "histogram_fraction", "histogram_stddev",
            "histogram_stdvar", "info", "sort_by_label", "sort_by_label_desc", "mad_over_time", "first_over_time",
            "ts_of_max_over_time", "ts_of_min_over_time", "ts_of_last_over_time", "ts_of_first_over_time");

    private final String word;
    private final Type returns;
    private final int variadic;
    private final Type[] args;

    Function(Type returns, int variadic, Type... args) {
        this(null, returns, variadic, args);
    }

    Function(String word, Type returns, int variadic, Type... args) {
        this.word = word != null ? word : name().toLowerCase(Locale.ROOT);
        this.returns = returns;
        this.variadic = variadic;
        this.args = args;
    }

    String word() {
        return word;
    }

    Type returns() {
        return returns;
    }

    int variadic() {
        return variadic;
    }

    Type argType(int i) {
        return i < args.length ? args[i] : args[args.length - 1];
    }

    int minArgs() {
        return variadic > 0 ? args.length - variadic : variadic < 0 ? args.length - 1 : args.length;
    }

    /** -1 for no maximum. */
    int maxArgs() {
        return variadic < 0 ? -1 : args.length;
    }

    /** The function called {@code word} (case-sensitive, as in Prometheus), or null. */
    static Function byWord(String word) {
        for (Function f : values()) {
            if (f.word.equals(word)) {
                return f;
            }
        }
        return null;
    }
}
