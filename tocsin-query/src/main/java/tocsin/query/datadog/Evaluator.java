package tocsin.query.datadog;

import tocsin.query.MetricSource;
import tocsin.query.datadog.Expr.Binary;
import tocsin.query.datadog.Expr.Call;
import tocsin.query.datadog.Expr.MetricQuery;
import tocsin.query.datadog.Expr.Neg;
import tocsin.query.datadog.Expr.Num;
import tocsin.query.datadog.Expr.Paren;
import tocsin.query.datadog.Expr.Word;
import tocsin.query.datadog.Value.Scalar;
import tocsin.query.datadog.Value.SeriesSet;

import java.util.List;

/**
 * Walks an expression tree bottom-up on one grid. Leaves read through {@link MetricReader}; operators go through
 * {@link Arithmetic}; functions through {@link SeriesFunctions}, except the time shifts, which evaluate their argument
 * with the read shifted into the past so that the shifted series lands on the same grid as everything else.
 *
 * <p>Stateless; thread-safe when the source is.
 */
final class Evaluator {
    private final MetricReader reader;

    Evaluator(MetricSource source) {
        this.reader = new MetricReader(source);
    }

    /** Where to evaluate: the grid, the last data time to read (grid time), and the data-minus-grid time shift. */
    record Context(Grid grid, long readToMillis, long shiftMillis) {
    }

    Value eval(Expr e, Context ctx) {
        return switch (e) {
            case Num n -> new Scalar(n.value());
            case Paren p -> eval(p.inner(), ctx);
            case Neg n -> Arithmetic.negate(eval(n.operand(), ctx));
            case Binary b -> Arithmetic.apply(b.op(), eval(b.left(), ctx), eval(b.right(), ctx));
            case MetricQuery m -> new SeriesSet(reader.read(m, ctx.grid(), ctx.readToMillis(), ctx.shiftMillis()));
            case Call c -> call(c, ctx);
            case Word w -> throw new IllegalStateException("word outside a function: " + w);
        };
    }

    private Value call(Call c, Context ctx) {
        long shift = SeriesFunctions.shiftSeconds(c) * 1000;
        Context argCtx = shift == 0 ? ctx : new Context(ctx.grid(), ctx.readToMillis(), ctx.shiftMillis() + shift);
        Value arg = eval(c.query(), argCtx);
        List<Series> series = arg instanceof SeriesSet s ? s.series() : List.of();
        return new SeriesSet(SeriesFunctions.apply(c, series, ctx.grid()));
    }
}
