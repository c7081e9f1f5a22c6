package tocsin.state;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State on a PostgreSQL server, reached through a {@link PostgresUrl}.
 *
 * <p>Before the pool opens, one direct connection checks that the server answers: the driver's error then reaches
 * the operator as one message saying which server refused and what to check, instead of the pool's retry noise.
 */
record PostgresDatabase(PostgresUrl url) implements Database {

    private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);

    /** Seconds to wait for a TCP connection and for the login, unless the URL says otherwise. */
    private static final String CONNECT_TIMEOUT_SECONDS = "10";
    private static final String LOGIN_TIMEOUT_SECONDS = "20";

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    public String describe() {
        return url.describe();
    }

    @Override
    public HikariDataSource openPool(int maxPoolSize) {
        Properties props = url.driverProperties();
        props.putIfAbsent("connectTimeout", CONNECT_TIMEOUT_SECONDS);
        props.putIfAbsent("loginTimeout", LOGIN_TIMEOUT_SECONDS);
        try (Connection probe = new org.postgresql.Driver().connect(url.jdbcUrl(), props)) {
            log.debug("{} answers: PostgreSQL {}", url.endpoint(), probe.getMetaData().getDatabaseProductVersion());
        } catch (SQLException e) {
            throw unavailable(e);
        }

        HikariConfig pool = new HikariConfig();
        pool.setPoolName("tocsin-state");
        pool.setDriverClassName(org.postgresql.Driver.class.getName());
        pool.setJdbcUrl(url.jdbcUrl());
        pool.setDataSourceProperties(props);
        pool.setMaximumPoolSize(maxPoolSize);
        try {
            return new HikariDataSource(pool);
        } catch (HikariPool.PoolInitializationException e) {
            throw e.getCause() instanceof SQLException se ? unavailable(se)
                    : new DatabaseUnavailableException("Cannot connect to " + url.describe() + ": " + e.getMessage(), e);
        }
    }

    /** Turns a driver error into a message saying which server refused and what the operator should check. */
    private DatabaseUnavailableException unavailable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String server = "PostgreSQL at " + url.endpoint();
        String message = switch (state) {
            case "28P01", "28000" -> server + " refused the login" + (url.user() == null ? "" : " of user '" + url.user()
                    + "'") + ": " + e.getMessage()
                    + ". Check the user name and password in --database-url, and pg_hba.conf on the server.";
            case "3D000" -> server + " has no database '" + url.database() + "'. Create it (CREATE DATABASE "
                    + url.database() + ") or fix the database name in --database-url.";
            default -> "Cannot connect to " + server + ": " + e.getMessage()
                    + ". Check that PostgreSQL is running there and reachable from this machine (host, port, firewall,"
                    + " TLS settings), and that --database-url is right.";
        };
        return new DatabaseUnavailableException(message, e);
    }
}
