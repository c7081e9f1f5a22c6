package tocsin.server;

import tocsin.state.TestPostgres;

/**
 * {@link PagerDutyDirectoryIT} with the server's state on PostgreSQL: the same scenarios, including the racing
 * {@code PUT}s, which there meet row locks instead of SQLite's single writer.
 */
class PostgresPagerDutyDirectoryIT extends PagerDutyDirectoryIT {
    @Override
    PagerDutyRest startServer() {
        return PagerDutyRest.startAt(NOW, TestPostgres.newDatabaseUrl());
    }
}
