package tocsin.query.datadog;

import tocsin.query.QuerySyntaxException;
import tocsin.query.TagFilter;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a scope, {@code {...}}, into a {@link TagFilter}. Two syntaxes, which Datadog refuses to mix: the symbolic
 * one ({@code env:prod,!host:a}, a comma-separated conjunction of terms and negated terms) and the boolean one
 * ({@code env:prod AND (az:a OR az:b)}, {@code NOT host:a}, {@code region IN (x, y)}, {@code region NOT IN (x)});
 * keywords are case-insensitive. A term is a tag ({@code key:value} or a bare value), with {@code *} as a wildcard.
 *
 * <pre>
 * scope := '*' | or (',' or)*
 * or    := and (OR and)*
 * and   := not (AND not)*
 * not   := NOT not | '!' term | atom
 * atom  := '(' or ')' | term [ [NOT] IN '(' value (',' value)* ')' ]
 * </pre>
 */
final class ScopeParser {
    private final Cursor c;
    private int firstSymbolic = -1;
    private int firstKeyword = -1;

    ScopeParser(Cursor c) {
        this.c = c;
    }

    /** Parses from the opening brace through the closing one. */
    TagFilter parse() {
        c.pos++; // '{'
        c.skipWs();
        if (c.peek() == '}') {
            throw c.error("empty scope: expected '*' or a tag filter such as env:prod");
        }
        List<TagFilter> parts = new ArrayList<>();
        parts.add(or(0));
        while (true) {
            c.skipWs();
            if (c.peek() == ',') {
                symbolic(c.pos);
                c.pos++;
                parts.add(or(0));
            } else if (c.peek() == '}') {
                c.pos++;
                break;
            } else {
                throw c.error("expected ',', '}', AND or OR");
            }
        }
        if (firstSymbolic >= 0 && firstKeyword >= 0) {
            throw c.errorAt("boolean operators (AND, OR, NOT, IN) cannot be mixed with ',' or '!'",
                    Math.max(firstSymbolic, firstKeyword));
        }
        return conjunction(parts);
    }

    private TagFilter or(int depth) {
        List<TagFilter> parts = new ArrayList<>();
        parts.add(and(depth));
        while (true) {
            c.skipWs();
            if (!c.atKeyword("OR")) {
                return parts.size() == 1 ? parts.getFirst() : new TagFilter.Or(parts);
            }
            keyword(c.pos);
            c.pos += 2;
            parts.add(and(depth));
        }
    }

    private TagFilter and(int depth) {
        List<TagFilter> parts = new ArrayList<>();
        parts.add(not(depth));
        while (true) {
            c.skipWs();
            if (!c.atKeyword("AND")) {
                return conjunction(parts);
            }
            keyword(c.pos);
            c.pos += 3;
            parts.add(not(depth));
        }
    }

    private TagFilter not(int depth) {
        c.skipWs();
        if (c.atKeyword("NOT")) {
            keyword(c.pos);
            c.pos += 3;
            return new TagFilter.Not(not(depth));
        }
        if (c.peek() == '!') {
            symbolic(c.pos);
            c.pos++;
            return new TagFilter.Not(TagFilter.term(tag("a tag after '!'")));
        }
        return atom(depth);
    }

    private TagFilter atom(int depth) {
        c.skipWs();
        if (c.peek() == '(') {
            keyword(c.pos);
            c.pos++;
            TagFilter inner = or(depth + 1);
            c.skipWs();
            if (!c.eat(')')) {
                throw c.error("expected ')', AND or OR");
            }
            return inner;
        }
        int termStart = c.pos;
        String term = tag("a tag, '*' or '('");
        int afterTerm = c.pos;
        c.skipWs();
        boolean negated = false;
        if (c.atKeyword("NOT")) {
            int save = c.pos;
            c.pos += 3;
            c.skipWs();
            if (c.atKeyword("IN")) {
                negated = true;
            } else {
                c.pos = save;
            }
        }
        if (!c.atKeyword("IN")) {
            c.pos = afterTerm;
            return TagFilter.term(term);
        }
        keyword(c.pos);
        if (term.indexOf(':') >= 0 || term.indexOf('*') >= 0) {
            throw c.errorAt("expected a tag key before IN", termStart);
        }
        c.pos += 2;
        c.skipWs();
        if (!c.eat('(')) {
            throw c.error("expected '(' after IN");
        }
        List<TagFilter> values = new ArrayList<>();
        do {
            c.skipWs();
            values.add(TagFilter.term(term + ":" + tag("a tag value")));
            c.skipWs();
        } while (c.eat(','));
        if (!c.eat(')')) {
            throw c.error("expected ',' or ')'");
        }
        TagFilter in = values.size() == 1 ? values.getFirst() : new TagFilter.Or(values);
        return negated ? new TagFilter.Not(in) : in;
    }

    /** Reads a tag: everything up to whitespace or one of {@code { } , ( )}. */
    private String tag(String expected) {
        c.skipWs();
        int start = c.pos;
        while (!c.atEnd()) {
            char ch = c.peek();
            if (Character.isWhitespace(ch) || ch == '{' || ch == '}' || ch == ',' || ch == '(' || ch == ')') {
                break;
            }
            c.pos++;
        }
        if (c.pos == start) {
            throw c.error("expected " + expected);
        }
        String tag = c.text.substring(start, c.pos);
        if (tag.startsWith("!")) {
            throw c.errorAt("expected a tag after '!'", start);
        }
        return tag;
    }

    private void symbolic(int at) {
        if (firstSymbolic < 0) {
            firstSymbolic = at;
        }
        failIfMixed();
    }

    private void keyword(int at) {
        if (firstKeyword < 0) {
            firstKeyword = at;
        }
        failIfMixed();
    }

    private void failIfMixed() throws QuerySyntaxException {
        if (firstSymbolic >= 0 && firstKeyword >= 0) {
            throw c.errorAt("boolean operators (AND, OR, NOT, IN) cannot be mixed with ',' or '!'",
                    Math.max(firstSymbolic, firstKeyword));
        }
    }

    /** AND of the parts, dropping {@code *} (which selects everything) unless it is all there is. */
    private static TagFilter conjunction(List<TagFilter> parts) {
        List<TagFilter> kept = new ArrayList<>();
        for (TagFilter f : parts) {
            if (f != TagFilter.any()) {
                kept.add(f);
            }
        }
        return kept.isEmpty() ? TagFilter.any() : kept.size() == 1 ? kept.getFirst() : new TagFilter.And(kept);
    }
}
