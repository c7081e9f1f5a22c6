package tocsin.server.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuthenticatorTest {
    @Test
    void authorizationHeaderForms() {
        assertThat(Authenticator.fromAuthorization("Token token=abc123")).isEqualTo("abc123");
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        assertThat(Authenticator.fromAuthorization("Basic " + b64.encodeToString("grafana:abc123".getBytes())))
                .isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("basic " + b64.encodeToString("abc123:".getBytes())))
                .isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("Basic " + b64.encodeToString("u:pa:ss".getBytes())))
                .isEqualTo("pa:ss");
        assertThat(Authenticator.fromAuthorization("Basic !!notbase64")).isEqualTo("Basic !!notbase64");
        assertThat(Authenticator.fromAuthorization("Basic " + b64.encodeToString("nocolon".getBytes())))
                .startsWith("Basic ");
        assertThat(Authenticator.fromAuthorization("Token token=\"abc123\"")).isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("token TOKEN=abc123")).isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("Bearer abc123")).isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("bearer   abc123 ")).isEqualTo("abc123");
        assertThat(Authenticator.fromAuthorization("abc123")).isEqualTo("abc123");
        // user:pass: the password is taken as the API key (a user's own password is not a key: it matches none)
        assertThat(Authenticator.fromAuthorization("Basic dXNlcjpwYXNz")).isEqualTo("pass");
    }
}
