package tocsin.state;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Where the state lives and how to reach it. Immutable.
 *
 * @param databaseUrl a PostgreSQL URL ({@code postgresql://user:password@host:5432/db?sslmode=require},
 *                    {@code postgres://...} or {@code jdbc:postgresql://...}), or null for the embedded SQLite file;
 *                    a blank string counts as null, so an empty {@code TOCSIN_DATABASE_URL} means embedded
 * @param dataDir     the server's data directory; the embedded database is {@code <dataDir>/state/tocsin.db}.
 *                    Required when {@code databaseUrl} is null, ignored otherwise
 * @param clock       the time source for every timestamp the store writes and every expiry it checks
 * @param maxPoolSize the most connections the pool opens
 */
public record StateConfig(String databaseUrl, Path dataDir, InstantSource clock, int maxPoolSize) {

    /** Pool size of the convenience factories: enough for request handling, small for SQLite's single writer. */
    public static final int DEFAULT_MAX_POOL_SIZE = 8;

    public StateConfig {
        if (databaseUrl != null && databaseUrl.isBlank()) {
            databaseUrl = null;
        }
        if (databaseUrl == null && dataDir == null) {
            throw new IllegalArgumentException("data-dir: required for the embedded database");
        }
        Objects.requireNonNull(clock, "clock");
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("max-pool-size: must be at least 1, was " + maxPoolSize);
        }
    }

    /** The embedded default: a SQLite file in {@code dataDir}, the system clock. */
    public static StateConfig embedded(Path dataDir) {
        return new StateConfig(null, dataDir, InstantSource.system(), DEFAULT_MAX_POOL_SIZE);
    }

    /** PostgreSQL at {@code databaseUrl}, the system clock. */
    public static StateConfig postgres(String databaseUrl) {
        Objects.requireNonNull(databaseUrl, "databaseUrl");
        return new StateConfig(databaseUrl, null, InstantSource.system(), DEFAULT_MAX_POOL_SIZE);
    }

    public StateConfig withClock(InstantSource clock) {
        return new StateConfig(databaseUrl, dataDir, clock, maxPoolSize);
    }

    public StateConfig withMaxPoolSize(int maxPoolSize) {
        return new StateConfig(databaseUrl, dataDir, clock, maxPoolSize);
    }

    /** True when the state lives in the embedded SQLite file. */
    public boolean isEmbedded() {
        return databaseUrl == null;
    }

    /** Never prints the database URL: it may carry a password. */
    @Override
    public String toString() {
        return "StateConfig[" + (isEmbedded() ? "embedded in " + dataDir : "postgresql") + ", maxPoolSize="
                + maxPoolSize + "]";
    }
}
