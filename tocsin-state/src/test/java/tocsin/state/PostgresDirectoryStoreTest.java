package tocsin.state;

import java.time.InstantSource;

class PostgresDirectoryStoreTest extends DirectoryStoreContract {
    @Override
    protected StateConfig newStateConfig(InstantSource clock) {
        return new StateConfig(TestPostgres.newDatabaseUrl(), null, clock, 8);
    }
}
