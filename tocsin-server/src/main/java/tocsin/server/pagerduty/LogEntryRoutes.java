package tocsin.server.pagerduty;

import tocsin.core.access.Scope;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.LogEntry;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * PagerDuty's {@code GET /log_entries}: every incident's timeline, oldest first, within {@code since}/{@code until}
 * (both optional), paged. Entries render as {@link IncidentRoutes} renders them. Thread-safe.
 */
public final class LogEntryRoutes {
    private final IncidentStore store;
    private final IncidentRoutes incidents;

    public LogEntryRoutes(IncidentStore store, IncidentRoutes incidents) {
        this.store = store;
        this.incidents = incidents;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST).get("/log_entries", Access.scope(Scope.READ), this::list);
    }

    private void list(Exchange ex) {
        PdPaging paging = PdPaging.of(ex);
        ZoneId zone = PdQuery.zone(ex, "time_zone", ZoneOffset.UTC);
        Instant since = PdQuery.instant(ex, "since", zone).orElse(null);
        Instant until = PdQuery.instant(ex, "until", zone).orElse(null);
        if (since != null && until != null && !until.isAfter(since)) {
            throw ApiProblem.invalidField("until", "must be after since");
        }
        IncidentStore.Page<LogEntry> page = store.logEntries(null, since, until, paging.offset(), paging.limit());
        ex.json(200, paging.envelope("log_entries", page.items().stream().map(incidents::renderLogEntry).toList(),
                page.more(), -1));
    }
}
