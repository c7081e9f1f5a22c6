package tocsin.query.promql;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher of a selector: {@code name="v"}, {@code name!="v"}, {@code name=~"re"} or {@code name!~"re"}.
 * An absent label has the empty value, so {@code env=""} selects series without {@code env}.
 *
 * <p>Regular expressions are fully anchored and {@code .} matches newlines, as Prometheus compiles them
 * ({@code ^(?s:re)$}). Prometheus uses Go's RE2 and Tocsin {@link java.util.regex}, which accept nearly the same
 * syntax; the differences: RE2's {@code (?P<name>...)} groups and POSIX classes ({@code [[:alpha:]]}) are translated;
 * Java additionally accepts backreferences, lookaround and possessive quantifiers, which Prometheus refuses; and Java
 * backtracks, so a pathological pattern can be slow where RE2 is linear.
 *
 * @param pattern the compiled pattern of a regex matcher, null for the others
 */
record LabelMatcher(Type type, String name, String value, Pattern pattern) {

    enum Type {
        EQ("="), NEQ("!="), RE("=~"), NRE("!~");

        final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }
    }

    LabelMatcher {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /**
     * A matcher; a regex one is compiled here.
     *
     * @throws PatternSyntaxException when the regular expression does not compile
     */
    static LabelMatcher of(Type type, String name, String value) {
        Pattern p = type == Type.RE || type == Type.NRE ? Pattern.compile("(?s:" + translate(value) + ")") : null;
        return new LabelMatcher(type, name, value, p);
    }

    boolean matches(String v) {
        return switch (type) {
            case EQ -> value.equals(v);
            case NEQ -> !value.equals(v);
            case RE -> pattern.matcher(v).matches();
            case NRE -> !pattern.matcher(v).matches();
        };
    }

    /** Whether a series without this label passes: Prometheus requires a selector to have a matcher that does not. */
    boolean matchesEmpty() {
        return matches("");
    }

    /**
     * The values a regex matcher accepts when its pattern is a plain alternation of literals ({@code a|b|c}, as
     * Grafana writes multi-value variables), else null: such a matcher can be pushed down to a store's index.
     */
    List<String> literalAlternatives() {
        if (type != Type.RE) {
            return null;
        }
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '|') {
                out.add(cur.toString());
                cur.setLength(0);
            } else if (c == '\\' && i + 1 < value.length() && !Character.isLetterOrDigit(value.charAt(i + 1))) {
                cur.append(value.charAt(++i));
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == ':' || c == '/' || c == ' '
                    || c == '@' || c == '=' || c == ',' || c == '~' || c == '#' || c == '%' || c == '&'
                    || c == '\'' || c == '"' || c == '<' || c == '>' || c == '!' || c == ';' || c == '`') {
                cur.append(c);
            } else {
                return null;
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** RE2 syntax Java lacks, rewritten: named groups {@code (?P<n>} and POSIX classes inside brackets. */
    static String translate(String re) {
        if (re.indexOf("(?P<") < 0 && re.indexOf("[:") < 0) {
            return re;
        }
        String out = re.replace("(?P<", "(?<");
        String[][] posix = {
                {"[:alnum:]", "\\p{Alnum}"}, {"[:alpha:]", "\\p{Alpha}"}, {"[:ascii:]", "\\p{ASCII}"},
                {"[:blank:]", "\\p{Blank}"}, {"[:cntrl:]", "\\p{Cntrl}"}, {"[:digit:]", "\\p{Digit}"},
                {"[:graph:]", "\\p{Graph}"}, {"[:lower:]", "\\p{Lower}"}, {"[:print:]", "\\p{Print}"},
                {"[:punct:]", "\\p{Punct}"}, {"[:space:]", "\\s"}, {"[:upper:]", "\\p{Upper}"},
                {"[:word:]", "\\w"}, {"[:xdigit:]", "\\p{XDigit}"},
                {"[:^alpha:]", "\\P{Alpha}"}, {"[:^digit:]", "\\P{Digit}"}, {"[:^space:]", "\\S"},
        };
        for (String[] p : posix) {
            out = out.replace(p[0], p[1]);
        }
        return out;
    }

    @Override
    public String toString() {
        return name + type.symbol + GoFormat.quote(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMatcher m && type == m.type && name.equals(m.name) && value.equals(m.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, name, value);
    }
}
