package tocsin.monitor.query;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * A boolean expression over monitor ids, {@code 123 && (456 || !789)}: the query of a {@code composite} monitor.
 * Immutable.
 */
public record CompositeQuery(Node root) implements MonitorQuery {

    public CompositeQuery {
        Objects.requireNonNull(root, "root");
    }

    /** A node of the expression. */
    public sealed interface Node permits Ref, Not, And, Or {
        /** The value when each referenced monitor is triggered as {@code triggered} says. */
        boolean eval(LongPredicate triggered);
    }

    /** A monitor id: true when that monitor (group) is triggered. */
    public record Ref(long id) implements Node {
        @Override
        public boolean eval(LongPredicate triggered) {
            return triggered.test(id);
        }
    }

    /** {@code !operand}. */
    public record Not(Node operand) implements Node {
        @Override
        public boolean eval(LongPredicate triggered) {
            return !operand.eval(triggered);
        }
    }

    /** {@code left && right}. */
    public record And(Node left, Node right) implements Node {
        @Override
        public boolean eval(LongPredicate triggered) {
            return left.eval(triggered) && right.eval(triggered);
        }
    }

    /** {@code left || right}. */
    public record Or(Node left, Node right) implements Node {
        @Override
        public boolean eval(LongPredicate triggered) {
            return left.eval(triggered) || right.eval(triggered);
        }
    }

    /** The referenced ids, in order of first appearance. */
    public List<Long> ids() {
        Set<Long> out = new LinkedHashSet<>();
        collect(root, out);
        return List.copyOf(out);
    }

    private static void collect(Node n, Set<Long> out) {
        switch (n) {
            case Ref r -> out.add(r.id());
            case Not x -> collect(x.operand(), out);
            case And a -> {
                collect(a.left(), out);
                collect(a.right(), out);
            }
            case Or o -> {
                collect(o.left(), out);
                collect(o.right(), out);
            }
        }
    }

    public boolean eval(LongPredicate triggered) {
        return root.eval(triggered);
    }

    @Override
    public String toString() {
        return render(root, 0);
    }

    /** Renders with the fewest parentheses: precedence ! over && over ||, both binary operators left-associative. */
    private static String render(Node n, int context) {
        return switch (n) {
            case Ref r -> Long.toString(r.id());
            case Not x -> "!" + render(x.operand(), 3);
            case And a -> wrap(render(a.left(), 2) + " && " + render(a.right(), 3), context > 2);
            case Or o -> wrap(render(o.left(), 1) + " || " + render(o.right(), 2), context > 1);
        };
    }

    private static String wrap(String s, boolean parens) {
        return parens ? "(" + s + ")" : s;
    }
}
