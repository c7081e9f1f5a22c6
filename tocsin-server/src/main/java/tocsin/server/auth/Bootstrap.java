package tocsin.server.auth;

import tocsin.core.access.AccessStore;
import tocsin.core.access.Role;
import tocsin.core.access.Scope;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;

/**
 * Gives a new installation its first credentials: an admin API key and the owner account.
 *
 * <p>Runs when the state store holds no key and no user. Secrets given by the operator
 * ({@code --bootstrap-api-key}, {@code --bootstrap-admin-password}) are used as they are and never printed; the
 * ones Tocsin generates are returned so they can be shown once, and written to {@code initial-credentials} in the
 * data dir with mode 0600. On every later start this does nothing.
 */
public final class Bootstrap {
    public static final String ADMIN_EMAIL = "admin@localhost";
    public static final String CREDENTIALS_FILE = "initial-credentials";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Secrets that Tocsin generated and the operator has not seen yet. */
    public record Generated(Optional<String> apiKey, Optional<String> adminPassword, Path file) {
        public boolean any() {
            return apiKey.isPresent() || adminPassword.isPresent();
        }
    }

    private Bootstrap() {
    }

    /**
     * @return what was generated, or empty when the store was already initialised
     */
    public static Optional<Generated> ensure(AccessStore store, Path dataDir, String apiKey, char[] adminPassword) {
        if (store.isInitialized()) {
            return Optional.empty();
        }
        AccessStore.CreatedKey created = store.createKey("bootstrap", EnumSet.of(Scope.ADMIN), "bootstrap", apiKey);
        char[] password = adminPassword != null ? adminPassword : generatePassword();
        store.createUser(new AccessStore.NewUser(ADMIN_EMAIL, "Administrator", Role.OWNER, ZoneOffset.UTC, password));

        Generated g = new Generated(apiKey == null ? Optional.of(created.secret()) : Optional.empty(),
                adminPassword == null ? Optional.of(new String(password)) : Optional.empty(),
                dataDir.resolve(CREDENTIALS_FILE));
        if (g.any()) {
            write(g);
        }
        return Optional.of(g);
    }

    /** The text shown once on the console (and stored in the file). */
    public static String describe(Generated g) {
        StringBuilder sb = new StringBuilder();
        sb.append("Tocsin generated the first credentials for this data dir. They are shown only now:\n");
        g.apiKey().ifPresent(k -> sb.append("  admin API key:   ").append(k).append('\n'));
        g.adminPassword().ifPresent(p -> sb.append("  admin login:     ").append(ADMIN_EMAIL)
                .append("  password: ").append(p).append('\n'));
        sb.append("A copy is in ").append(g.file()).append(" (mode 0600); keep them safe, then delete it.\n");
        return sb.toString();
    }

    private static void write(Generated g) {
        StringBuilder sb = new StringBuilder("# Tocsin initial credentials. Delete this file once stored safely.\n");
        g.apiKey().ifPresent(k -> sb.append("api_key=").append(k).append('\n'));
        g.adminPassword().ifPresent(p -> sb.append("admin_email=").append(ADMIN_EMAIL).append('\n')
                .append("admin_password=").append(p).append('\n'));
        try {
            Path file = g.file();
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + g.file(), e);
        }
    }

    /** 20 characters from an unambiguous alphabet: about 115 bits. */
    static char[] generatePassword() {
        char[] alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
        char[] out = new char[20];
        for (int i = 0; i < out.length; i++) {
            out[i] = alphabet[RANDOM.nextInt(alphabet.length)];
        }
        return out;
    }
}
