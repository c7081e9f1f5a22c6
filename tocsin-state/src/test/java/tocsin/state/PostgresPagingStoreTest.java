package tocsin.state;

import java.time.InstantSource;

class PostgresPagingStoreTest extends PagingStoreContract {

    @Override
    protected StateConfig newStateConfig(InstantSource clock) {
        return new StateConfig(TestPostgres.newDatabaseUrl(), null, clock, 6);
    }
}
