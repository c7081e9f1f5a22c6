package tocsin.query.promql;

import java.util.List;

/**
 * Renders Prometheus HTTP API bodies without a JSON library, byte for byte as Prometheus writes them: the envelope
 * {@code {"status":"success","data":...}} (with {@code "warnings"} when a listing was truncated), or
 * {@code {"status":"error","errorType":"bad_data","error":"..."}}; sample pairs as {@code [<seconds>,"<value>"]} with
 * the time as Prometheus prints it ({@code 1435781451.781}) and the value as a string ({@code "NaN"}, {@code "+Inf"},
 * {@code "1e-07"}); label sets as objects in label order; strings escaped as Go's encoding/json does, {@code <},
 * {@code >} and {@code &} included.
 */
final class PromJson {
    static final String TRUNCATED = "results truncated due to limit";

    private PromJson() {
    }

    static String success(PromqlResult r) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"status\":\"success\",\"data\":{\"resultType\":\"").append(r.resultType())
                .append("\",\"result\":");
        switch (r) {
            case PromqlResult.Vector v -> {
                sb.append('[');
                boolean first = true;
                for (PromqlResult.Sample s : v.samples()) {
                    sb.append(first ? "" : ",").append("{\"metric\":");
                    first = false;
                    labels(sb, s.metric());
                    sb.append(",\"value\":");
                    point(sb, s.timestampMillis(), GoFormat.value(s.value()));
                    sb.append('}');
                }
                sb.append(']');
            }
            case PromqlResult.Matrix m -> {
                sb.append('[');
                boolean first = true;
                for (PromqlResult.Series s : m.series()) {
                    sb.append(first ? "" : ",").append("{\"metric\":");
                    first = false;
                    labels(sb, s.metric());
                    sb.append(",\"values\":[");
                    for (int i = 0; i < s.points().size(); i++) {
                        if (i > 0) {
                            sb.append(',');
                        }
                        point(sb, s.points().timestamp(i), GoFormat.value(s.points().value(i)));
                    }
                    sb.append("]}");
                }
                sb.append(']');
            }
            case PromqlResult.Scalar s -> point(sb, s.timestampMillis(), GoFormat.value(s.value()));
            case PromqlResult.Text t -> point(sb, t.timestampMillis(), t.value());
        }
        return sb.append("}}").toString();
    }

    /** {@code /api/v1/series}: the label sets as objects. */
    static String series(List<Labels> series, boolean truncated) {
        StringBuilder sb = new StringBuilder(64 + series.size() * 64);
        sb.append("{\"status\":\"success\",\"data\":[");
        for (int i = 0; i < series.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            labels(sb, series.get(i));
        }
        sb.append(']');
        return end(sb, truncated);
    }

    /** {@code /api/v1/labels} and {@code /api/v1/label/<name>/values}: a list of strings. */
    static String strings(List<String> values, boolean truncated) {
        StringBuilder sb = new StringBuilder(64 + values.size() * 16);
        sb.append("{\"status\":\"success\",\"data\":[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, values.get(i));
        }
        sb.append(']');
        return end(sb, truncated);
    }

    private static String end(StringBuilder sb, boolean truncated) {
        if (truncated) {
            sb.append(",\"warnings\":[");
            string(sb, TRUNCATED);
            sb.append(']');
        }
        return sb.append('}').toString();
    }

    static String error(String errorType, String message) {
        StringBuilder sb = new StringBuilder(64 + message.length());
        sb.append("{\"status\":\"error\",\"errorType\":");
        string(sb, errorType);
        sb.append(",\"error\":");
        string(sb, message);
        return sb.append('}').toString();
    }

    private static void point(StringBuilder sb, long millis, String value) {
        sb.append('[');
        GoFormat.seconds(sb, millis);
        sb.append(',');
        string(sb, value);
        sb.append(']');
    }

    static void labels(StringBuilder sb, Labels l) {
        sb.append('{');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, l.name(i));
            sb.append(':');
            string(sb, l.value(i));
        }
        sb.append('}');
    }

    static void string(StringBuilder sb, String s) {
        GoFormat.quote(sb, s, true);
    }
}
