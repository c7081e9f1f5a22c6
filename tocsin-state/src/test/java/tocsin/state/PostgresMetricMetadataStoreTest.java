package tocsin.state;

import java.time.InstantSource;

class PostgresMetricMetadataStoreTest extends MetricMetadataStoreContract {

    @Override
    protected StateConfig newStateConfig(InstantSource clock) {
        return new StateConfig(TestPostgres.newDatabaseUrl(), null, clock, 6);
    }
}
