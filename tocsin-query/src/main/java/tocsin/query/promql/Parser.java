package tocsin.query.promql;

import tocsin.query.QuerySyntaxException;
import tocsin.query.UnsupportedQueryException;
import tocsin.query.promql.Expr.AggOp;
import tocsin.query.promql.Expr.Aggregate;
import tocsin.query.promql.Expr.AtMode;
import tocsin.query.promql.Expr.BinOp;
import tocsin.query.promql.Expr.Binary;
import tocsin.query.promql.Expr.Call;
import tocsin.query.promql.Expr.Cardinality;
import tocsin.query.promql.Expr.MatrixSelector;
import tocsin.query.promql.Expr.Modifiers;
import tocsin.query.promql.Expr.NumberLiteral;
import tocsin.query.promql.Expr.Paren;
import tocsin.query.promql.Expr.StringLiteral;
import tocsin.query.promql.Expr.Subquery;
import tocsin.query.promql.Expr.Type;
import tocsin.query.promql.Expr.Unary;
import tocsin.query.promql.Expr.VectorMatching;
import tocsin.query.promql.Expr.VectorSelector;
import tocsin.query.promql.Lexer.Kind;
import tocsin.query.promql.Lexer.Token;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * A hand-written PromQL parser: precedence climbing over Prometheus's operator table (lowest first: {@code or};
 * {@code and unless}; comparisons; {@code + -}; {@code * / % atan2}; {@code ^}, right-associative), unary minus binding
 * like {@code *} (so {@code -2^2} is -4), postfix range, subquery, {@code offset} and {@code @} binding tightest.
 * Type checks happen as nodes are built, with Prometheus's wording, so {@code rate(foo)} fails at parse time.
 *
 * <p>Errors are {@link QuerySyntaxException}s worded as Prometheus words them, with the line and column:
 * {@code 1:8: parse error: unexpected end of input}. Not thread-safe; one instance per query.
 */
final class Parser {
    private static final Set<String> BINARY_KEYWORDS = Set.of("and", "or", "unless", "atan2");

    private final String query;
    private final List<Token> tokens;
    private int i;
    private int parenDepth;

    private Parser(String query, List<Token> tokens) {
        this.query = query;
        this.tokens = tokens;
    }

    /**
     * Parses a whole expression.
     *
     * @throws QuerySyntaxException     naming line, column and problem
     * @throws UnsupportedQueryException for a Prometheus function Tocsin does not evaluate yet
     */
    static Expr parse(String query) {
        try {
            Parser p = new Parser(query, Lexer.lex(query));
            if (p.peek().is(Kind.EOF)) {
                throw new ParseError(0, 0, "no expression found in input");
            }
            Expr e = p.expr(1);
            Token t = p.peek();
            if (!t.is(Kind.EOF)) {
                if (t.is(Kind.RPAREN)) {
                    throw new ParseError(t.end(), t.end(), "unexpected right parenthesis ')'");
                }
                throw p.unexpected(t, null);
            }
            return e;
        } catch (ParseError e) {
            throw e.toException(query);
        } catch (StackOverflowError e) {
            // Recursion depth follows parenthesis and operator nesting; no real query comes near.
            throw new ParseError(0, 0, "expression nested too deeply").toException(query);
        }
    }

    /**
     * Parses a series selector as {@code match[]} takes it: a vector selector alone, without range or modifiers.
     *
     * @throws QuerySyntaxException when it is anything else
     */
    static VectorSelector parseSelector(String text) {
        Expr e = parse(text);
        if (!(e instanceof VectorSelector vs) || vs.modifiers() != Modifiers.NONE) {
            throw new ParseError(0, text.length(), "expected a vector selector, got " + e.type().words)
                    .toException(text);
        }
        return vs;
    }

    private Token peek() {
        return tokens.get(i);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(i + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(i);
        if (!t.is(Kind.EOF)) {
            i++;
        }
        return t;
    }

    private Token expect(Kind kind, String context) {
        Token t = peek();
        if (!t.is(kind)) {
            throw unexpected(t, context);
        }
        return next();
    }

    /** {@code unexpected <what>[ in <context>]}; an unclosed parenthesis when the input ends inside one. */
    private ParseError unexpected(Token t, String context) {
        if (t.is(Kind.EOF) && parenDepth > 0 && context == null) {
            return new ParseError(t.pos(), t.pos(), "unclosed left parenthesis");
        }
        return new ParseError(t.pos(), t.end(), "unexpected " + describe(t) + (context == null ? "" : " " + context));
    }

    private static String describe(Token t) {
        return switch (t.kind()) {
            case EOF -> "end of input";
            case IDENT -> isKeyword(t.text()) ? "<" + t.text().toLowerCase(java.util.Locale.ROOT) + ">"
                    : "identifier " + GoFormat.quote(t.text());
            case NUMBER -> "number " + GoFormat.quote(t.text());
            case DURATION -> "duration " + GoFormat.quote(t.text());
            case STRING -> "string " + GoFormat.quote(t.text());
            case LPAREN -> "left parenthesis '('";
            case RPAREN -> "right parenthesis ')'";
            case LBRACE -> "left brace '{'";
            case RBRACE -> "\"}\"";
            case LBRACKET -> "left bracket '['";
            case RBRACKET -> "right bracket ']'";
            case COMMA -> "\",\"";
            case COLON -> "\":\"";
            case ASSIGN -> "\"=\"";
            default -> "<op:" + t.text() + ">";
        };
    }

    private static boolean isKeyword(String word) {
        String w = word.toLowerCase(java.util.Locale.ROOT);
        return BINARY_KEYWORDS.contains(w) || AggOp.byWord(w) != null || switch (w) {
            case "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset" -> true;
            default -> false;
        };
    }

    // ---- binary expressions

    private Expr expr(int minPrecedence) {
        Expr lhs = unary();
        while (true) {
            Token t = peek();
            BinOp op = binOp(t);
            if (op == null || op.precedence < minPrecedence) {
                return lhs;
            }
            next();
            boolean returnBool = false;
            if (peek().isWord("bool")) {
                Token b = next();
                if (!op.isComparison()) {
                    throw new ParseError(b.pos(), b.end(), "bool modifier can only be used on comparison operators");
                }
                returnBool = true;
            }
            VectorMatching matching = matching(op);
            Expr rhs = expr(op.isRightAssociative() ? op.precedence : op.precedence + 1);
            lhs = binary(op, lhs, rhs, returnBool, matching, t);
        }
    }

    private static BinOp binOp(Token t) {
        return switch (t.kind()) {
            case ADD -> BinOp.ADD;
            case SUB -> BinOp.SUB;
            case MUL -> BinOp.MUL;
            case DIV -> BinOp.DIV;
            case MOD -> BinOp.MOD;
            case POW -> BinOp.POW;
            case EQLC -> BinOp.EQLC;
            case NEQ -> BinOp.NEQ;
            case LSS -> BinOp.LSS;
            case LTE -> BinOp.LTE;
            case GTR -> BinOp.GTR;
            case GTE -> BinOp.GTE;
            case IDENT -> switch (t.text().toLowerCase(java.util.Locale.ROOT)) {
                case "and" -> BinOp.AND;
                case "or" -> BinOp.OR;
                case "unless" -> BinOp.UNLESS;
                case "atan2" -> BinOp.ATAN2;
                default -> null;
            };
            default -> null;
        };
    }

    /** The {@code on}/{@code ignoring} and {@code group_left}/{@code group_right} clauses after an operator. */
    private VectorMatching matching(BinOp op) {
        boolean explicit = false;
        boolean on = false;
        List<String> labels = List.of();
        if (peek().isWord("on") || peek().isWord("ignoring")) {
            on = next().isWord("on");
            explicit = true;
            labels = labelList();
        }
        Cardinality card = op.isSetOperator() ? Cardinality.MANY_TO_MANY : Cardinality.ONE_TO_ONE;
        List<String> include = List.of();
        if (peek().isWord("group_left") || peek().isWord("group_right")) {
            Token g = next();
            if (op.isSetOperator()) {
                throw new ParseError(g.pos(), g.end(), "no grouping allowed for \"" + op.symbol + "\" operation");
            }
            card = g.isWord("group_left") ? Cardinality.MANY_TO_ONE : Cardinality.ONE_TO_MANY;
            if (peek().is(Kind.LPAREN)) {
                include = labelList();
            }
        }
        if (peek().isWord("on") || peek().isWord("ignoring")) {
            throw unexpected(peek(), null);
        }
        return new VectorMatching(card, labels, on, explicit, include);
    }

    private Expr binary(BinOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching, Token at) {
        for (Expr side : List.of(lhs, rhs)) {
            if (side.type() != Type.SCALAR && side.type() != Type.VECTOR) {
                throw new ParseError(at.pos(), at.end(),
                        "binary expression must contain only scalar and instant vector types");
            }
        }
        boolean scalars = lhs.type() == Type.SCALAR || rhs.type() == Type.SCALAR;
        if (scalars && op.isSetOperator()) {
            throw new ParseError(at.pos(), at.end(),
                    "set operator \"" + op.symbol + "\" not allowed in binary scalar expression");
        }
        if (lhs.type() == Type.SCALAR && rhs.type() == Type.SCALAR && op.isComparison() && !returnBool) {
            throw new ParseError(at.pos(), at.end(), "comparisons between scalars must use BOOL modifier");
        }
        boolean matchingWritten = matching.explicit() || matching.card() == Cardinality.MANY_TO_ONE
                || matching.card() == Cardinality.ONE_TO_MANY;
        if (scalars && matchingWritten) {
            throw new ParseError(at.pos(), at.end(), "vector matching only allowed between instant vectors");
        }
        if (matching.on()) {
            for (String l : matching.include()) {
                if (matching.labels().contains(l)) {
                    throw new ParseError(at.pos(), at.end(),
                            "label \"" + l + "\" must not occur in ON and GROUP clause at once");
                }
            }
        }
        boolean bothScalars = lhs.type() == Type.SCALAR && rhs.type() == Type.SCALAR;
        return new Binary(op, lhs, rhs, returnBool, scalars ? null : matching, bothScalars ? Type.SCALAR : Type.VECTOR);
    }

    // ---- unary, primary and postfix

    private Expr unary() {
        Token t = peek();
        if (t.is(Kind.ADD) || t.is(Kind.SUB)) {
            next();
            Expr operand = expr(BinOp.POW.precedence);
            if (operand.type() != Type.SCALAR && operand.type() != Type.VECTOR) {
                throw new ParseError(t.pos(), t.pos() + 1,
                        "unary expression only allowed on expressions of type scalar or instant vector, got \""
                                + operand.type().words + "\"");
            }
            if (operand instanceof NumberLiteral n) {
                return t.is(Kind.SUB) ? new NumberLiteral(-n.value()) : n;
            }
            return new Unary(t.is(Kind.SUB), operand);
        }
        return postfix(primary());
    }

    private Expr primary() {
        Token t = peek();
        switch (t.kind()) {
            case NUMBER -> {
                next();
                return new NumberLiteral(t.number());
            }
            case STRING -> {
                next();
                return new StringLiteral(t.text());
            }
            case LPAREN -> {
                next();
                parenDepth++;
                Expr inner = expr(1);
                Token close = peek();
                if (!close.is(Kind.RPAREN)) {
                    if (close.is(Kind.EOF)) {
                        throw new ParseError(close.pos(), close.pos(), "unclosed left parenthesis");
                    }
                    throw unexpected(close, null);
                }
                next();
                parenDepth--;
                return new Paren(inner);
            }
            case LBRACE -> {
                return selector(null, t.pos());
            }
            case IDENT -> {
                return identifier(t);
            }
            default -> throw unexpected(t, null);
        }
    }

    private Expr identifier(Token t) {
        AggOp agg = AggOp.byWord(t.text());
        Token after = peek(1);
        if (agg != null && (after.is(Kind.LPAREN) || after.isWord("by") || after.isWord("without"))) {
            next();
            return aggregate(agg, t);
        }
        if (after.is(Kind.LPAREN)) {
            next();
            return call(t);
        }
        if (binOp(t) != null || t.isWord("by") || t.isWord("without") || t.isWord("on") || t.isWord("ignoring")
                || t.isWord("group_left") || t.isWord("group_right") || t.isWord("bool")) {
            throw unexpected(t, null);
        }
        next();
        return selector(t.text(), t.pos());
    }

    /** A vector selector; the name (if any) has been read, braces follow optionally. */
    private Expr selector(String name, int start) {
        List<LabelMatcher> matchers = new ArrayList<>();
        String braceName = null;
        if (peek().is(Kind.LBRACE)) {
            next();
            while (!peek().is(Kind.RBRACE)) {
                Token label = peek();
                if (label.is(Kind.EOF)) {
                    throw new ParseError(label.pos(), label.pos(), "unexpected end of input inside braces");
                }
                if (label.is(Kind.STRING) && (peek(1).is(Kind.COMMA) || peek(1).is(Kind.RBRACE))) {
                    // Prometheus 3's quoted metric name: {"my.metric", job="x"}.
                    next();
                    if (braceName != null || name != null) {
                        String first = name != null ? name : braceName;
                        throw new ParseError(start, label.end(), "metric name must not be set twice: "
                                + GoFormat.quote(first) + " or " + GoFormat.quote(label.text()));
                    }
                    braceName = label.text();
                } else if (label.is(Kind.IDENT) || label.is(Kind.STRING)) {
                    next();
                    matchers.add(matcher(label));
                } else {
                    throw unexpected(label, "in label matching, expected identifier or \"}\"");
                }
                Token sep = peek();
                if (sep.is(Kind.COMMA)) {
                    next();
                } else if (!sep.is(Kind.RBRACE)) {
                    if (sep.is(Kind.EOF)) {
                        throw new ParseError(sep.pos(), sep.pos(), "unexpected end of input inside braces");
                    }
                    throw unexpected(sep, "in label matching, expected \",\" or \"}\"");
                }
            }
            next();
        }
        String metric = name != null ? name : braceName;
        List<LabelMatcher> all = new ArrayList<>();
        for (LabelMatcher m : matchers) {
            if (metric != null && m.name().equals(Labels.METRIC_NAME)) {
                throw new ParseError(start, peek().pos(), "metric name must not be set twice: "
                        + GoFormat.quote(metric) + " or " + GoFormat.quote(m.value()));
            }
        }
        if (metric != null) {
            all.add(LabelMatcher.of(LabelMatcher.Type.EQ, Labels.METRIC_NAME, metric));
        }
        all.addAll(matchers);
        if (all.stream().allMatch(LabelMatcher::matchesEmpty)) {
            throw new ParseError(start, tokens.get(i - 1).end(),
                    "vector selector must contain at least one non-empty matcher");
        }
        return new VectorSelector(metric, all, Modifiers.NONE);
    }

    private LabelMatcher matcher(Token label) {
        Token op = peek();
        if (op.is(Kind.EOF)) {
            throw new ParseError(op.pos(), op.pos(), "unexpected end of input inside braces");
        }
        LabelMatcher.Type type = switch (op.kind()) {
            case ASSIGN -> LabelMatcher.Type.EQ;
            case NEQ -> LabelMatcher.Type.NEQ;
            case EQL_REGEX -> LabelMatcher.Type.RE;
            case NEQ_REGEX -> LabelMatcher.Type.NRE;
            default -> throw unexpected(op, "in label matching, expected label matching operator");
        };
        next();
        Token value = peek();
        if (value.is(Kind.EOF)) {
            throw new ParseError(value.pos(), value.pos(), "unexpected end of input inside braces");
        }
        if (!value.is(Kind.STRING)) {
            throw unexpected(value, "in label matching, expected string");
        }
        next();
        try {
            return LabelMatcher.of(type, label.text(), value.text());
        } catch (PatternSyntaxException e) {
            throw new ParseError(value.pos(), value.end(), "error parsing regexp: " + e.getDescription()
                    + ": " + GoFormat.quote(value.text()));
        }
    }

    /** Range selectors, subqueries, {@code offset} and {@code @} after a primary expression. */
    private Expr postfix(Expr e) {
        while (true) {
            Token t = peek();
            if (t.is(Kind.LBRACKET)) {
                e = bracket(e, t);
            } else if (t.isWord("offset")) {
                next();
                e = withModifiers(e, t, modifiersOf(e, t).withOffset(offset()), true);
            } else if (t.is(Kind.AT)) {
                next();
                Modifiers m = modifiersOf(e, t);
                if (m.at() != AtMode.NONE) {
                    throw new ParseError(t.pos(), t.end(), "@ <timestamp> may not be set multiple times");
                }
                e = withModifiers(e, t, at(m), false);
            } else {
                return e;
            }
        }
    }

    private Expr bracket(Expr e, Token open) {
        next();
        long range = duration("in subquery or range selector", false);
        if (peek().is(Kind.COLON)) {
            next();
            long step = 0;
            if (!peek().is(Kind.RBRACKET)) {
                step = duration("in subquery", false);
            }
            expect(Kind.RBRACKET, "in subquery, expected \"]\"");
            if (e.type() != Type.VECTOR) {
                throw new ParseError(open.pos(), open.end(),
                        "subquery is only allowed on instant vector, got " + e.type().words + " instead");
            }
            if (e instanceof Subquery || e instanceof MatrixSelector) {
                throw new ParseError(open.pos(), open.end(), "subquery is only allowed on instant vector, got "
                        + e.type().words + " instead");
            }
            return new Subquery(e, range, step, Modifiers.NONE);
        }
        expect(Kind.RBRACKET, "in range selector, expected \"]\"");
        if (!(e instanceof VectorSelector vs)) {
            throw new ParseError(open.pos(), open.end(), "ranges only allowed for vector selectors");
        }
        if (vs.modifiers().hasOffset()) {
            throw new ParseError(open.pos(), tokens.get(i - 1).end(), "no offset modifiers allowed before range");
        }
        if (vs.modifiers().at() != AtMode.NONE) {
            throw new ParseError(open.pos(), tokens.get(i - 1).end(), "no @ modifiers allowed before range");
        }
        return new MatrixSelector(vs, range);
    }

    /** A positive duration: {@code 5m}, {@code 1h30m} or a number of seconds ({@code 300}, {@code 4.5}). */
    private long duration(String context, boolean signed) {
        Token t = peek();
        boolean negative = false;
        if (signed && (t.is(Kind.SUB) || t.is(Kind.ADD))) {
            negative = t.is(Kind.SUB);
            next();
            t = peek();
        }
        long millis;
        if (t.is(Kind.DURATION)) {
            millis = (long) t.number();
        } else if (t.is(Kind.NUMBER) && Double.isFinite(t.number())) {
            millis = Math.round(t.number() * 1000);
        } else if (t.is(Kind.STRING)) {
            throw new ParseError(t.pos(), t.end(), "unexpected character in duration expression: '"
                    + query.charAt(t.pos()) + "'");
        } else {
            throw unexpected(t, context + ", expected number or duration");
        }
        next();
        if (!signed && millis <= 0) {
            throw new ParseError(t.pos(), t.end(), "duration must be greater than 0");
        }
        return negative ? -millis : millis;
    }

    private long offset() {
        return duration("in offset", true);
    }

    private Modifiers at(Modifiers m) {
        Token t = peek();
        if ((t.isWord("start") || t.isWord("end")) && peek(1).is(Kind.LPAREN) && peek(2).is(Kind.RPAREN)) {
            next();
            next();
            next();
            return m.withAt(t.isWord("start") ? AtMode.START : AtMode.END, 0);
        }
        boolean negative = false;
        if (t.is(Kind.SUB) || t.is(Kind.ADD)) {
            negative = t.is(Kind.SUB);
            next();
            t = peek();
        }
        double seconds;
        if (t.is(Kind.NUMBER)) {
            seconds = t.number();
        } else if (t.is(Kind.DURATION)) {
            seconds = t.number() / 1000;
        } else {
            throw unexpected(t, "in @, expected timestamp");
        }
        if (!Double.isFinite(seconds)) {
            throw new ParseError(t.pos(), t.end(), "timestamp out of bounds for @ modifier: " + seconds);
        }
        next();
        return m.withAt(AtMode.FIXED, Math.round((negative ? -seconds : seconds) * 1000));
    }

    private Modifiers modifiersOf(Expr e, Token t) {
        return switch (e) {
            case VectorSelector vs -> vs.modifiers();
            case MatrixSelector ms -> ms.selector().modifiers();
            case Subquery sq -> sq.modifiers();
            default -> throw new ParseError(t.pos(), t.end(), (t.is(Kind.AT) ? "@ modifier" : "offset modifier")
                    + " must be preceded by an instant vector selector or range vector selector or a subquery");
        };
    }

    private Expr withModifiers(Expr e, Token t, Modifiers m, boolean offset) {
        Modifiers old = modifiersOf(e, t);
        if (offset && old.hasOffset()) {
            throw new ParseError(t.pos(), t.end(), "offset may not be set multiple times");
        }
        return switch (e) {
            case VectorSelector vs -> vs.with(m);
            case MatrixSelector ms -> new MatrixSelector(ms.selector().with(m), ms.rangeMillis());
            case Subquery sq -> new Subquery(sq.expr(), sq.rangeMillis(), sq.stepMillis(), m);
            default -> throw new IllegalStateException(e.toString());
        };
    }

    // ---- aggregations and calls

    private Expr aggregate(AggOp op, Token name) {
        List<String> grouping = List.of();
        boolean without = false;
        boolean grouped = false;
        if (peek().isWord("by") || peek().isWord("without")) {
            without = next().isWord("without");
            grouping = labelList();
            grouped = true;
        }
        Token open = expect(Kind.LPAREN, "in aggregation, expected \"(\"");
        List<Expr> args = new ArrayList<>();
        Token close = arguments(args);
        if (peek().isWord("by") || peek().isWord("without")) {
            if (grouped) {
                throw unexpected(peek(), null);
            }
            without = next().isWord("without");
            grouping = labelList();
            grouped = true;
        }
        Type paramType = op.paramType();
        int wanted = paramType == null ? 1 : 2;
        if (args.size() != wanted) {
            throw new ParseError(name.pos(), close.end(), "wrong number of arguments for aggregate expression "
                    + "provided, expected " + wanted + ", got " + args.size());
        }
        Expr param = paramType == null ? null : args.get(0);
        Expr inner = args.get(wanted - 1);
        if (param != null && param.type() != paramType) {
            throw new ParseError(open.pos(), close.end(), "expected type " + paramType.words
                    + " in aggregation parameter, got " + param.type().words);
        }
        if (inner.type() != Type.VECTOR) {
            throw new ParseError(open.pos(), close.end(), "expected type instant vector in aggregation expression, got "
                    + inner.type().words);
        }
        if (op == AggOp.COUNT_VALUES && param instanceof StringLiteral s && !isLabelName(s.value())) {
            throw new ParseError(open.pos(), close.end(), "invalid label name " + GoFormat.quote(s.value()));
        }
        return new Aggregate(op, inner, param, grouping, without, grouped);
    }

    private Expr call(Token name) {
        String word = name.text();
        Function f = Function.byWord(word);
        if (f == null) {
            if (Function.NOT_IMPLEMENTED.contains(word)) {
                throw new UnsupportedQueryException("function " + GoFormat.quote(word)
                        + " is not supported by Tocsin yet");
            }
            throw new ParseError(name.pos(), name.end(), "unknown function with name " + GoFormat.quote(word));
        }
        expect(Kind.LPAREN, null);
        List<Expr> args = new ArrayList<>();
        Token close = arguments(args);
        int n = args.size();
        if (n < f.minArgs() || (f.maxArgs() >= 0 && n > f.maxArgs())) {
            String expected = f.variadic() == 0 ? "expected " + f.minArgs()
                    : n < f.minArgs() ? "expected at least " + f.minArgs() : "expected at most " + f.maxArgs();
            throw new ParseError(name.pos(), close.end(), expected + " argument(s) in call to "
                    + GoFormat.quote(word) + ", got " + n);
        }
        for (int k = 0; k < n; k++) {
            Type want = f.argType(k);
            Type got = args.get(k).type();
            if (got != want) {
                throw new ParseError(name.pos(), close.end(), "expected type " + want.words + " in call to function "
                        + GoFormat.quote(word) + ", got " + got.words);
            }
        }
        if (f == Function.LABEL_REPLACE || f == Function.LABEL_JOIN) {
            Expr dst = Expr.unwrap(args.get(1));
            if (dst instanceof StringLiteral s && !isLabelName(s.value())) {
                throw new ParseError(name.pos(), close.end(), "invalid destination label name in "
                        + word + "(): " + s.value());
            }
        }
        return new Call(f, args);
    }

    /** Comma-separated expressions up to the closing parenthesis (the opening one is read), which it returns. */
    private Token arguments(List<Expr> args) {
        parenDepth++;
        if (!peek().is(Kind.RPAREN)) {
            args.add(expr(1));
            while (peek().is(Kind.COMMA)) {
                next();
                args.add(expr(1));
            }
        }
        Token close = peek();
        if (!close.is(Kind.RPAREN)) {
            throw unexpected(close, null);
        }
        next();
        parenDepth--;
        return close;
    }

    /** {@code (a, b, c)} with an optional trailing comma, as after by, without, on, ignoring and group_x. */
    private List<String> labelList() {
        expect(Kind.LPAREN, "in grouping opts, expected \"(\"");
        List<String> out = new ArrayList<>();
        while (!peek().is(Kind.RPAREN)) {
            Token t = peek();
            if (t.is(Kind.IDENT) || t.is(Kind.STRING)) {
                next();
                out.add(t.text());
            } else {
                throw unexpected(t, "in grouping opts, expected label");
            }
            if (peek().is(Kind.COMMA)) {
                next();
            } else if (!peek().is(Kind.RPAREN)) {
                throw unexpected(peek(), "in grouping opts, expected \")\" or \",\"");
            }
        }
        next();
        return out;
    }

    /**
     * Whether a label name is acceptable. Prometheus 3 accepts any non-empty UTF-8 name, and Tocsin's tag keys
     * ({@code service.name}) need that, so only the empty name is refused.
     */
    static boolean isLabelName(String s) {
        return !s.isEmpty();
    }
}
