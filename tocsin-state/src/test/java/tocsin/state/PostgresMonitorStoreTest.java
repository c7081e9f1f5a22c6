package tocsin.state;

import java.time.InstantSource;

class PostgresMonitorStoreTest extends MonitorStoreContract {

    @Override
    protected StateConfig newStateConfig(InstantSource clock) {
        return new StateConfig(TestPostgres.newDatabaseUrl(), null, clock, 4);
    }
}
