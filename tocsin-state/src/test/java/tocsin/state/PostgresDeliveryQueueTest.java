package tocsin.state;

import java.time.InstantSource;

class PostgresDeliveryQueueTest extends DeliveryQueueContract {

    @Override
    protected StateConfig newStateConfig(InstantSource clock) {
        return new StateConfig(TestPostgres.newDatabaseUrl(), null, clock, 6);
    }
}
