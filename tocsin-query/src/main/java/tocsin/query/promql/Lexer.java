package tocsin.query.promql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits PromQL text into tokens, as Prometheus's lexer does where it matters for what parses: keywords are
 * identifiers the parser recognises case-insensitively; {@code =~} and {@code !~} exist only inside braces; a number
 * directly followed by a unit is a duration ({@code 5m}, {@code 1h30m}); {@code Inf} and {@code NaN} are numbers;
 * {@code #} starts a comment that runs to the end of the line. Positions are 0-based character offsets.
 */
final class Lexer {

    enum Kind {
        IDENT, NUMBER, DURATION, STRING,
        LBRACE, RBRACE, LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, COLON, AT,
        ASSIGN, EQL_REGEX, NEQ_REGEX,
        ADD, SUB, MUL, DIV, MOD, POW, EQLC, NEQ, LSS, LTE, GTR, GTE,
        EOF
    }

    /**
     * One token.
     *
     * @param text   the token's text as written; for strings, the unquoted value
     * @param number the value of a NUMBER, or the milliseconds of a DURATION
     */
    record Token(Kind kind, String text, int pos, int end, double number) {
        boolean is(Kind k) {
            return kind == k;
        }

        /** Whether this is the identifier {@code word}, case-insensitively (keywords). */
        boolean isWord(String word) {
            return kind == Kind.IDENT && text.equalsIgnoreCase(word);
        }
    }

    private final String in;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int braceDepth;
    private int bracketDepth;

    private Lexer(String in) {
        this.in = in;
    }

    /** @throws ParseError on a character or literal that cannot start or form a token */
    static List<Token> lex(String query) {
        Lexer l = new Lexer(query);
        l.run();
        return l.out;
    }

    private void run() {
        while (true) {
            skipSpaceAndComments();
            if (pos >= in.length()) {
                out.add(new Token(Kind.EOF, "", in.length(), in.length(), 0));
                return;
            }
            char c = in.charAt(pos);
            int start = pos;
            if (braceDepth > 0) {
                insideBraces(c, start);
                continue;
            }
            switch (c) {
                case '(' -> single(Kind.LPAREN);
                case ')' -> single(Kind.RPAREN);
                case '{' -> {
                    braceDepth++;
                    single(Kind.LBRACE);
                }
                case '}' -> throw new ParseError(start, start + 1, "unexpected right brace '}'");
                case '[' -> {
                    bracketDepth++;
                    single(Kind.LBRACKET);
                }
                case ']' -> {
                    bracketDepth = Math.max(0, bracketDepth - 1);
                    single(Kind.RBRACKET);
                }
                case ',' -> single(Kind.COMMA);
                case '@' -> single(Kind.AT);
                case '+' -> single(Kind.ADD);
                case '-' -> single(Kind.SUB);
                case '*' -> single(Kind.MUL);
                case '/' -> single(Kind.DIV);
                case '%' -> single(Kind.MOD);
                case '^' -> single(Kind.POW);
                case '=' -> {
                    if (peek(1) == '=') {
                        two(Kind.EQLC);
                    } else if (peek(1) == '~') {
                        throw new ParseError(start, start + 2, "unexpected character after '=': '~'");
                    } else {
                        single(Kind.ASSIGN);
                    }
                }
                case '!' -> {
                    if (peek(1) == '=') {
                        two(Kind.NEQ);
                    } else {
                        throw new ParseError(start, Math.min(in.length(), start + 2),
                                "unexpected character after '!': " + describeChar(peek(1)));
                    }
                }
                case '<' -> {
                    if (peek(1) == '=') {
                        two(Kind.LTE);
                    } else {
                        single(Kind.LSS);
                    }
                }
                case '>' -> {
                    if (peek(1) == '=') {
                        two(Kind.GTE);
                    } else {
                        single(Kind.GTR);
                    }
                }
                case '"', '\'', '`' -> string(c);
                case ':' -> {
                    if (bracketDepth > 0 || !isIdentStart(peek(1))) {
                        single(Kind.COLON);
                    } else {
                        identifier();
                    }
                }
                default -> {
                    if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
                        numberOrDuration();
                    } else if (isIdentStart(c)) {
                        identifier();
                    } else {
                        throw new ParseError(start, start + 1, "unexpected character: " + describeChar(c));
                    }
                }
            }
        }
    }

    private void insideBraces(char c, int start) {
        switch (c) {
            case '}' -> {
                braceDepth--;
                single(Kind.RBRACE);
            }
            case ',' -> single(Kind.COMMA);
            case '=' -> {
                if (peek(1) == '~') {
                    two(Kind.EQL_REGEX);
                } else {
                    single(Kind.ASSIGN);
                }
            }
            case '!' -> {
                if (peek(1) == '~') {
                    two(Kind.NEQ_REGEX);
                } else if (peek(1) == '=') {
                    two(Kind.NEQ);
                } else {
                    throw new ParseError(start, start + 1,
                            "unexpected character after '!' inside braces: " + describeChar(peek(1)));
                }
            }
            case '"', '\'', '`' -> string(c);
            default -> {
                if (isIdentStart(c)) {
                    identifier();
                } else {
                    throw new ParseError(start, start + 1, "unexpected character inside braces: " + describeChar(c));
                }
            }
        }
    }

    private void skipSpaceAndComments() {
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else if (c == '#') {
                while (pos < in.length() && in.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < in.length() ? in.charAt(i) : '\0';
    }

    private void single(Kind k) {
        out.add(new Token(k, in.substring(pos, pos + 1), pos, pos + 1, 0));
        pos++;
    }

    private void two(Kind k) {
        out.add(new Token(k, in.substring(pos, pos + 2), pos, pos + 2, 0));
        pos += 2;
    }

    private void identifier() {
        int start = pos;
        boolean colons = braceDepth == 0;
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (isIdentStart(c) || isDigit(c) || (colons && c == ':')) {
                pos++;
            } else {
                break;
            }
        }
        String word = in.substring(start, pos);
        if (braceDepth == 0 && (word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("nan"))) {
            double v = word.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.NaN;
            out.add(new Token(Kind.NUMBER, word, start, pos, v));
            return;
        }
        out.add(new Token(Kind.IDENT, word, start, pos, 0));
    }

    /**
     * A number ({@code 1}, {@code .5}, {@code 5.}, {@code 1e-3}, {@code 0x1f}, {@code 0755}) or a duration
     * ({@code 5m}, {@code 1h30m}, {@code 100ms}): integer parts each followed by a unit, units descending.
     */
    private void numberOrDuration() {
        int start = pos;
        if (in.charAt(pos) == '0' && (peek(1) == 'x' || peek(1) == 'X') && isHex(peek(2))) {
            pos += 2;
            while (pos < in.length() && isHex(in.charAt(pos))) {
                pos++;
            }
            rejectTrailing(start);
            String text = in.substring(start, pos);
            out.add(new Token(Kind.NUMBER, text, start, pos, Long.parseLong(text.substring(2), 16)));
            return;
        }
        boolean integer = true;
        while (pos < in.length() && isDigit(in.charAt(pos))) {
            pos++;
        }
        if (pos < in.length() && in.charAt(pos) == '.') {
            integer = false;
            pos++;
            while (pos < in.length() && isDigit(in.charAt(pos))) {
                pos++;
            }
        }
        if (pos < in.length() && (in.charAt(pos) == 'e' || in.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < in.length() && (in.charAt(pos) == '+' || in.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < in.length() && isDigit(in.charAt(pos))) {
                integer = false;
                while (pos < in.length() && isDigit(in.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        if (integer && pos < in.length() && Durations.isUnitStart(in.charAt(pos))) {
            while (pos < in.length() && (isIdentStart(in.charAt(pos)) || isDigit(in.charAt(pos)))) {
                pos++;
            }
            String text = in.substring(start, pos);
            long millis = Durations.parse(text, start);
            out.add(new Token(Kind.DURATION, text, start, pos, millis));
            return;
        }
        rejectTrailing(start);
        String text = in.substring(start, pos);
        double v;
        boolean octal = text.length() > 1 && text.charAt(0) == '0' && text.chars().allMatch(c -> c >= '0' && c <= '7');
        if (integer && octal) {
            v = Long.parseLong(text, 8);
        } else {
            v = Double.parseDouble(text);
            if (Double.isInfinite(v)) {
                throw new ParseError(start, pos,
                        "error parsing number: " + GoFormat.quote(text) + ": value out of range");
            }
        }
        out.add(new Token(Kind.NUMBER, text, start, pos, v));
    }

    private void rejectTrailing(int start) {
        if (pos < in.length()) {
            char c = in.charAt(pos);
            if (c == '.' || isIdentStart(c) || isDigit(c)) {
                throw new ParseError(start, pos + 1,
                        "bad number or duration syntax: " + GoFormat.quote(in.substring(start, pos + 1)));
            }
        }
    }

    /** A quoted string with Go's escapes; backquoted strings are raw. */
    private void string(char quote) {
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= in.length() || (quote != '`' && in.charAt(pos) == '\n')) {
                throw new ParseError(start, pos, "unterminated quoted string");
            }
            char c = in.charAt(pos);
            if (c == quote) {
                pos++;
                break;
            }
            if (c == '\\' && quote != '`') {
                escape(sb, start);
                continue;
            }
            sb.append(c);
            pos++;
        }
        out.add(new Token(Kind.STRING, sb.toString(), start, pos, 0));
    }

    private void escape(StringBuilder sb, int start) {
        pos++;
        if (pos >= in.length()) {
            throw new ParseError(start, pos, "unterminated quoted string");
        }
        char c = in.charAt(pos++);
        switch (c) {
            case 'a' -> sb.append('\u0007');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case 'v' -> sb.append('\u000b');
            case '\\', '"', '\'' -> sb.append(c);
            case 'x' -> sb.append((char) hexDigits(2, start));
            case 'u' -> sb.appendCodePoint(hexDigits(4, start));
            case 'U' -> sb.appendCodePoint(hexDigits(8, start));
            default -> {
                if (c >= '0' && c <= '7') {
                    int v = c - '0';
                    for (int i = 0; i < 2; i++) {
                        if (pos >= in.length() || in.charAt(pos) < '0' || in.charAt(pos) > '7') {
                            throw new ParseError(start, pos, "invalid char escape");
                        }
                        v = v * 8 + (in.charAt(pos++) - '0');
                    }
                    if (v > 255) {
                        throw new ParseError(start, pos, "invalid char escape");
                    }
                    sb.append((char) v);
                } else {
                    throw new ParseError(pos - 2, pos, "unknown escape sequence " + describeChar(c));
                }
            }
        }
    }

    private int hexDigits(int n, int start) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            if (pos >= in.length() || !isHex(in.charAt(pos))) {
                throw new ParseError(start, pos, "invalid char escape");
            }
            v = v * 16 + Character.digit(in.charAt(pos++), 16);
        }
        if (!Character.isValidCodePoint(v)) {
            throw new ParseError(start, pos, "invalid char escape");
        }
        return v;
    }

    static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static String describeChar(char c) {
        return c == '\0' ? "end of input" : "'" + c + "'";
    }
}
