package tocsin.query.promql;

import java.util.List;

/** What evaluating an expression over a {@link Grid} yields, one variant per PromQL type. */
sealed interface Value {

    /** A scalar at each step. */
    record Scalars(double[] values) implements Value {
    }

    /** An instant vector at each step. */
    record Vectors(List<StepSeries> series) implements Value {
    }

    record Str(String value) implements Value {
    }

    /** A range vector, only as the result of an instant query ({@code foo[5m]} at one time). */
    record RawMatrix(List<RawSeries> series) implements Value {
    }
}
