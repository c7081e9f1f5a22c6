package tocsin.query.promql;

import tocsin.query.Points;

import java.util.List;
import java.util.Objects;

/**
 * The value of a PromQL query, one variant per result type of Prometheus's HTTP API ({@code resultType}):
 * {@link Vector} ("vector"), {@link Matrix} ("matrix"), {@link Scalar} ("scalar") and {@link Text} ("string").
 * {@link #toJson()} renders the whole success body. Immutable.
 */
public sealed interface PromqlResult {

    /** Prometheus's {@code resultType}. */
    String resultType();

    /** The body Prometheus answers with: {@code {"status":"success","data":{"resultType":...,"result":...}}}. */
    default String toJson() {
        return PromJson.success(this);
    }

    /** One element of an instant vector. */
    record Sample(Labels metric, long timestampMillis, double value) {
        public Sample {
            Objects.requireNonNull(metric, "metric");
        }
    }

    /** One series of a range result: its labels and its points, ascending by time. */
    record Series(Labels metric, Points points) {
        public Series {
            Objects.requireNonNull(metric, "metric");
            Objects.requireNonNull(points, "points");
        }
    }

    /** An instant vector: an instant query's series, each with its value at the query time. */
    record Vector(List<Sample> samples) implements PromqlResult {
        public Vector {
            samples = List.copyOf(samples);
        }

        @Override
        public String resultType() {
            return "vector";
        }
    }

    /** A range query's series (or the samples of a range selector queried at one time), sorted by labels. */
    record Matrix(List<Series> series) implements PromqlResult {
        public Matrix {
            series = List.copyOf(series);
        }

        @Override
        public String resultType() {
            return "matrix";
        }
    }

    record Scalar(long timestampMillis, double value) implements PromqlResult {
        @Override
        public String resultType() {
            return "scalar";
        }
    }

    /** PromQL's string type (a string literal queried at one time). */
    record Text(long timestampMillis, String value) implements PromqlResult {
        public Text {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String resultType() {
            return "string";
        }
    }
}
