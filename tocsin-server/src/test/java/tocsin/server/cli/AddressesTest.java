package tocsin.server.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressesTest {
    @Test
    void parsesHostPortIpv6AndOff() {
        assertThat(Addresses.parse("--http-addr", "127.0.0.1:8080", false).getPort()).isEqualTo(8080);
        assertThat(Addresses.parse("--http-addr", "[::1]:0", false).getAddress().getHostAddress()).contains(":");
        assertThat(Addresses.parse("--statsd-addr", "off", true)).isNull();
        assertThat(Addresses.parse("--statsd-addr", "OFF", true)).isNull();
    }

    @Test
    void rejectsWhatIsNotAnAddressNamingTheFlag() {
        assertThatThrownBy(() -> Addresses.parse("--http-addr", "off", false)).hasMessage(
                "--http-addr: expected HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got 'off'");
        assertThatThrownBy(() -> Addresses.parse("--http-addr", "8080", false)).hasMessageStartingWith("--http-addr: expected HOST:PORT");
        assertThatThrownBy(() -> Addresses.parse("--http-addr", "host:http", false)).hasMessage("--http-addr: port 'http' is not a number");
        assertThatThrownBy(() -> Addresses.parse("--http-addr", "1.2.3.4:65536", false)).hasMessage("--http-addr: port 65536 is outside 0-65535");
        assertThatThrownBy(() -> Addresses.parse("--syslog-addr", "no-such-host.invalid:514", true))
                .hasMessage("--syslog-addr: unknown host 'no-such-host.invalid'");
        assertThatThrownBy(() -> Addresses.parse("--http-addr", "::1:80", false)).hasMessageStartingWith("--http-addr: expected HOST:PORT");
    }
}
