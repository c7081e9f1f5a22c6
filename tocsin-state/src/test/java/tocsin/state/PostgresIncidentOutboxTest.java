package tocsin.state;

import java.time.InstantSource;

class PostgresIncidentOutboxTest extends IncidentOutboxContract {

    @Override
    protected StateConfig newStateConfig(InstantSource clock) {
        return new StateConfig(TestPostgres.newDatabaseUrl(), null, clock, 4);
    }
}
