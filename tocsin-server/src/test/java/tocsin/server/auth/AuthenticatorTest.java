package tocsin.server.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthenticatorTest {
    @Test
    void authorizationHeaderForms() {
        assertThat(Authenticator.fromAuthorization("Token token=abc123")).isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("Token token=\"abc123\"")).isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("token TOKEN=abc123")).isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("Bearer abc123")).isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("bearer   abc123 ")).isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("abc123")).isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("Basic dXNlcjpwYXNz")).isEqualTo("Basic dXNlcjpwYXNz");
    }
}
