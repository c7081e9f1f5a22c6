package tocsin.state;

import java.nio.CharBuffer;
import java.security.SecureRandom;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Argon2id password hashes in PHC string form ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}).
 *
 * <p>Parameters follow OWASP's minimum for Argon2id (19 MiB, 2 iterations, parallelism 1). Each hash string carries
 * its own parameters and salt, and {@link #verify} reads them from it, so the parameters can be raised later without
 * invalidating stored passwords. Comparison is constant-time inside password4j. Thread-safe.
 *
 * <p>Not final so that tests can count verifications: the dummy check for unknown accounts is invisible otherwise.
 */
class PasswordHasher {

    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    private static final int HASH_BYTES = 32;
    private static final int SALT_BYTES = 16;

    private final Argon2Function function =
            Argon2Function.getInstance(MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES, Argon2.ID);

    String hash(char[] password) {
        return Password.hash(CharBuffer.wrap(password)).addRandomSalt(SALT_BYTES).with(function).getResult();
    }

    /** True when {@code password} matches {@code hash}; a malformed hash matches nothing. */
    boolean verify(char[] password, String hash) {
        try {
            return Argon2Function.getInstanceFromHash(hash).check(CharBuffer.wrap(password), hash);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Spends the time of one verification and returns false: the answer for accounts that cannot log in (unknown
     * e-mail, no password), so that a failed login costs the same whether or not the account exists.
     */
    boolean verifyNothing(char[] password) {
        verify(password == null ? new char[0] : password, DummyHash.VALUE);
        return false;
    }

    /** A hash of a random password with the current parameters, computed once per JVM on first use. */
    private static final class DummyHash {
        static final String VALUE = new PasswordHasher().hash(randomPassword());

        private static char[] randomPassword() {
            SecureRandom random = new SecureRandom();
            char[] password = new char[24];
            for (int i = 0; i < password.length; i++) {
                password[i] = (char) ('a' + random.nextInt(26));
            }
            return password;
        }
    }
}
