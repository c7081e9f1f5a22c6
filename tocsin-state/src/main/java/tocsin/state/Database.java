package tocsin.state;

import com.zaxxer.hikari.HikariDataSource;

/**
 * One of the SQL databases Tocsin can keep its state in: how to reach it and how to describe it. Immutable.
 */
sealed interface Database permits SqliteDatabase, PostgresDatabase {

    Dialect dialect();

    /** Where the data is, for logs: never a password. */
    String describe();

    /**
     * Opens a connection pool, having checked that the database answers.
     *
     * @throws DatabaseUnavailableException when it does not, saying what to check
     */
    HikariDataSource openPool(int maxPoolSize);

    /**
     * The database a configuration names.
     *
     * @throws IllegalArgumentException when the database URL is malformed
     */
    static Database of(StateConfig config) {
        return config.isEmbedded()
                ? SqliteDatabase.inDataDir(config.dataDir())
                : new PostgresDatabase(PostgresUrl.parse(config.databaseUrl()));
    }
}
