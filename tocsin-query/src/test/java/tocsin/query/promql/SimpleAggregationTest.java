package tocsin.query.promql;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import tocsin.query.promql.Expr.AggOp;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A fleet large enough to be folded in blocks on several cores gives what folding it element by element gives:
 * exactly for count, group, min and max (NaNs and gaps included, a whole block of them too), and to the last few bits
 * for a compensated sum (exactly where only the compensation keeps the small terms).
 */
class SimpleAggregationTest {
    static final int STEPS = 9;

    @Property(tries = 25)
    void foldingInBlocksEqualsFoldingInOrder(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int groupCount,
                                             @ForAll @IntRange(min = 0, max = 3) int extraBlocks) {
        Random random = new Random(seed);
        int size = SimpleAggregation.BLOCK * (1 + extraBlocks) + random.nextInt(SimpleAggregation.BLOCK);
        StepSeries[] elements = new StepSeries[size];
        Labels[] group = new Labels[size];
        for (int e = 0; e < size; e++) {
            StepSeries s = new StepSeries(Labels.EMPTY, STEPS);
            boolean firstBlock = e < SimpleAggregation.BLOCK;
            s.set(0, firstBlock ? Double.NaN : random.nextDouble()); // a block of NaNs before numbers
            double cancelling = e % 3 == 0 ? 1e20 : e % 3 == 1 ? 1 : -1e20; // only compensation keeps the ones
            if (!firstBlock) {
                s.set(1, cancelling); // a block without points before points
            }
            s.set(2, Double.NaN); // NaN everywhere
            s.set(3, cancelling);
            for (int i = 4; i < STEPS; i++) {
                int roll = random.nextInt(20);
                if (roll == 0) {
                    s.set(i, Double.NaN);
                } else if (roll > 3) { // a few gaps
                    s.set(i, random.nextDouble() * 1000);
                }
            }
            elements[e] = s;
            group[e] = Labels.of("g", "g" + random.nextInt(groupCount));
        }
        for (AggOp op : List.of(AggOp.SUM, AggOp.MIN, AggOp.MAX, AggOp.COUNT, AggOp.GROUP)) {
            List<StepSeries> blocked = SimpleAggregation.aggregate(op, size, () -> i -> elements[i], group,
                    STEPS);
            assertThat(blocked).as("%s groups", op).hasSize(groupCountSeen(group));
            for (StepSeries g : blocked) {
                for (int i = 0; i < STEPS; i++) {
                    double expected = inOrder(op, elements, group, g.labels, i);
                    assertThat(g.present[i]).as("%s %s step %d present", op, g.labels, i)
                            .isEqualTo(!Double.isNaN(expected) || anyPresent(elements, group, g.labels, i));
                    if (!g.present[i]) {
                        continue;
                    }
                    if (op == AggOp.SUM && !Double.isNaN(expected) && i != 1 && i != 3) {
                        assertThat(g.values[i]).as("sum %s step %d", g.labels, i)
                                .isCloseTo(expected, within(Math.abs(expected) * 1e-12));
                    } else {
                        assertThat(Double.doubleToLongBits(g.values[i])).as("%s %s step %d", op, g.labels, i)
                                .isEqualTo(Double.doubleToLongBits(expected));
                    }
                }
            }
        }
    }

    /** The rule of each operator, one element after another; NaN when no element has a point (or all are NaN). */
    private static double inOrder(AggOp op, StepSeries[] elements, Labels[] group, Labels g, int step) {
        double v = Double.NaN;
        double sum = 0;
        double c = 0;
        int n = 0;
        for (int e = 0; e < elements.length; e++) {
            if (!group[e].equals(g) || !elements[e].present[step]) {
                continue;
            }
            double f = elements[e].values[step];
            n++;
            switch (op) {
                case MIN -> v = n == 1 || v > f || Double.isNaN(v) ? f : v;
                case MAX -> v = n == 1 || v < f || Double.isNaN(v) ? f : v;
                default -> {
                    double t = sum + f;
                    c = Kahan.compensation(f, sum, t, c);
                    sum = t;
                }
            }
        }
        return switch (op) {
            case COUNT -> n == 0 ? Double.NaN : n;
            case GROUP -> n == 0 ? Double.NaN : 1;
            case SUM -> n == 0 ? Double.NaN : sum + c;
            default -> v;
        };
    }

    private static boolean anyPresent(StepSeries[] elements, Labels[] group, Labels g, int step) {
        for (int e = 0; e < elements.length; e++) {
            if (group[e].equals(g) && elements[e].present[step]) {
                return true;
            }
        }
        return false;
    }

    private static int groupCountSeen(Labels[] group) {
        return (int) Arrays.stream(group).distinct().count();
    }
}
