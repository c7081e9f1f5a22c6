package tocsin.state;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Optional;

/**
 * Named server-wide secrets in the {@code server_secret} table of V005: 32 random bytes each, created by whichever
 * node asks first and then shared by every node on the database, so a link signed by one node verifies on another
 * and survives restarts. Thread-safe: no state besides the pool.
 */
final class SqlServerSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbc jdbc;
    private final InstantSource clock;

    SqlServerSecrets(Jdbc jdbc, InstantSource clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    byte[] secret(String name) {
        Optional<String> existing = read(name);
        if (existing.isEmpty()) {
            byte[] fresh = new byte[32];
            RANDOM.nextBytes(fresh);
            try {
                jdbc.update("create a server secret", "INSERT INTO server_secret (name, value, created_at) VALUES "
                        + "(?, ?, ?)", name, Base64.getEncoder().encodeToString(fresh), clock.millis());
            } catch (StateException raced) {
                // another node created it first: use theirs
            }
            existing = read(name);
        }
        return Base64.getDecoder().decode(existing.orElseThrow(() -> new StateException("server secret " + name
                + " could not be created")));
    }

    private Optional<String> read(String name) {
        return jdbc.queryOne("read a server secret", "SELECT value FROM server_secret WHERE name = ?",
                rs -> rs.getString(1), name);
    }
}
