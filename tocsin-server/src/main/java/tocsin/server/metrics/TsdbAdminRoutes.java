package tocsin.server.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tocsin.core.access.Scope;
import tocsin.server.http.Access;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;
import tocsin.tsdb.Tsdb;

/**
 * {@code POST /api/tocsin/admin/tsdb/flush} (admin scope): writes everything the metric store holds in memory into
 * on-disk blocks now and answers when they are durable ({@link Tsdb#flush()}): before a backup or a move, or to see
 * the store's footprint at rest. Afterwards a sample at or before the newest flushed time is refused as too old,
 * as for any time already in blocks. Answers 200 with the blocks now on disk, or 500 naming what failed (nothing is
 * lost then: the head and the WAL still hold it all).
 */
public final class TsdbAdminRoutes {
    private final Tsdb tsdb;

    public TsdbAdminRoutes(Tsdb tsdb) {
        this.tsdb = tsdb;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.TOCSIN).post("/api/tocsin/admin/tsdb/flush", Access.scope(Scope.ADMIN), this::flush);
    }

    private void flush(Exchange ex) {
        long started = System.nanoTime();
        List<String> errors = tsdb.flush();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("flushed", errors.isEmpty());
        body.put("errors", errors);
        body.put("blocks", tsdb.stats().blocks());
        body.put("took_ms", (System.nanoTime() - started) / 1_000_000);
        ex.json(errors.isEmpty() ? 200 : 500, body);
    }
}
