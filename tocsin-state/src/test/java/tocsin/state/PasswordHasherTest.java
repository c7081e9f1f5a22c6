package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.CharBuffer;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesWithArgon2idAndTheParametersInTheString() {
        char[] password = "correct horse battery".toCharArray();

        String first = hasher.hash(password);
        String second = hasher.hash(password);

        assertThat(first).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(second).isNotEqualTo(first); // random salt
        assertThat(hasher.verify(password, first)).isTrue();
        assertThat(hasher.verify("correct horse batterY".toCharArray(), first)).isFalse();
    }

    @Test
    void verifiesHashesMadeWithOtherParameters() {
        // Parameters may be raised later: hashes stored with the old ones must keep working.
        String old = Password.hash(CharBuffer.wrap("old password".toCharArray())).addRandomSalt(16)
                .with(Argon2Function.getInstance(4096, 1, 1, 32, Argon2.ID)).getResult();

        assertThat(old).startsWith("$argon2id$v=19$m=4096,t=1,p=1$");
        assertThat(hasher.verify("old password".toCharArray(), old)).isTrue();
        assertThat(hasher.verify("new password".toCharArray(), old)).isFalse();
    }

    @Test
    void malformedHashMatchesNothing() {
        assertThat(hasher.verify("anything".toCharArray(), "not a hash")).isFalse();
        assertThat(hasher.verify("anything".toCharArray(), "$argon2id$v=19$m=19456,t=2,p=1$broken")).isFalse();
    }

    @Test
    void verifyNothingIsAlwaysFalse() {
        assertThat(hasher.verifyNothing("anything".toCharArray())).isFalse();
        assertThat(hasher.verifyNothing(null)).isFalse();
    }
}
