package tocsin.query.datadog;

import java.math.BigDecimal;

/**
 * Renders a {@link QueryResponse} as Datadog's JSON without a JSON library. Numbers follow Datadog's Python-made
 * output: floats in their shortest round-trip form, plain between 1e-4 and 1e16 and always with a fraction part
 * ({@code 1623846300000.0}, {@code 94.31900300343831}), exponent form outside ({@code 1e+16}, {@code 1.5e-05});
 * empty buckets are {@code null}.
 */
final class ResponseJson {

    private ResponseJson() {
    }

    static String write(QueryResponse r) {
        StringBuilder sb = new StringBuilder(256 + r.series().size() * 512);
        sb.append("{\"status\":");
        string(sb, r.status());
        sb.append(",\"res_type\":");
        string(sb, r.resType());
        sb.append(",\"resp_version\":").append(r.respVersion());
        sb.append(",\"query\":");
        string(sb, r.query());
        sb.append(",\"from_date\":").append(r.fromDateMillis());
        sb.append(",\"to_date\":").append(r.toDateMillis());
        sb.append(",\"group_by\":");
        strings(sb, r.groupBy());
        sb.append(",\"message\":");
        string(sb, r.message());
        sb.append(",\"series\":[");
        boolean first = true;
        for (QuerySeries s : r.series()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            series(sb, s);
        }
        sb.append("],\"times\":[],\"values\":[]}");
        return sb.toString();
    }

    private static void series(StringBuilder sb, QuerySeries s) {
        sb.append("{\"metric\":");
        string(sb, s.metric());
        sb.append(",\"display_name\":");
        string(sb, s.displayName());
        sb.append(",\"pointlist\":[");
        for (int i = 0; i < s.length(); i++) {
            sb.append(i == 0 ? "[" : ",[");
            number(sb, (double) s.timestamp(i));
            sb.append(',');
            Double v = s.value(i);
            if (v == null) {
                sb.append("null");
            } else {
                number(sb, v);
            }
            sb.append(']');
        }
        sb.append("],\"scope\":");
        string(sb, s.scope());
        sb.append(",\"expression\":");
        string(sb, s.expression());
        sb.append(",\"tag_set\":");
        strings(sb, s.tagSet());
        sb.append(",\"aggr\":");
        if (s.aggr() == null) {
            sb.append("null");
        } else {
            string(sb, s.aggr());
        }
        sb.append(",\"interval\":").append(s.intervalSeconds());
        sb.append(",\"length\":").append(s.length());
        sb.append(",\"start\":").append(s.startMillis());
        sb.append(",\"end\":").append(s.endMillis());
        sb.append(",\"unit\":[null,null]");
        sb.append(",\"query_index\":").append(s.queryIndex());
        sb.append(",\"attributes\":{}}");
    }

    /** A finite double as Python's {@code repr} writes it. */
    static void number(StringBuilder sb, double v) {
        if (!Double.isFinite(v)) {
            sb.append("null");
            return;
        }
        if (v == 0) {
            sb.append(1 / v < 0 ? "-0.0" : "0.0");
            return;
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        double abs = Math.abs(v);
        if (abs >= 1e-4 && abs < 1e16) {
            String plain = d.toPlainString();
            sb.append(plain.indexOf('.') < 0 ? plain + ".0" : plain);
            return;
        }
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        if (v < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int e = Math.abs(exponent);
        sb.append(e < 10 ? "0" : "").append(e);
    }

    private static void strings(StringBuilder sb, java.util.List<String> list) {
        sb.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, list.get(i));
        }
        sb.append(']');
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
