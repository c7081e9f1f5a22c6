package tocsin.notify;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelsTest {

    record Fixed(Target.Kind kind, String id) implements Channel {
        @Override
        public Delivery send(Notification n) {
            return new Delivery(id, "sent to " + n.target().address());
        }
    }

    @Test
    void routesByTargetKind() throws Exception {
        Channels channels = Channels.of(List.of(new Fixed(Target.Kind.SMS, "sms-1"),
                new Fixed(Target.Kind.EMAIL, "mail-1")));
        assertThat(channels.kinds()).containsExactlyInAnyOrder(Target.Kind.SMS, Target.Kind.EMAIL);
        assertThat(channels.send(TestNotifications.page(Target.of(Target.Kind.EMAIL, "a@example.com")))
                .providerMessageId()).isEqualTo("mail-1");
        assertThat(channels.send(TestNotifications.page(Target.of(Target.Kind.SMS, "+15550001111")))
                .providerMessageId()).isEqualTo("sms-1");
    }

    @Test
    void anUnconfiguredKindIsPermanent() {
        Channels channels = Channels.of(List.of(new Fixed(Target.Kind.SMS, "sms-1")));
        assertThatThrownBy(() -> channels.send(TestNotifications.page(Target.of(Target.Kind.VOICE, "+15550001111"))))
                .isInstanceOfSatisfying(PermanentDeliveryException.class,
                        e -> assertThat(e.reason()).isEqualTo("channel_not_configured"));
    }

    @Test
    void twoChannelsForOneKindAreAConfigurationError() {
        assertThatThrownBy(() -> Channels.of(List.of(new Fixed(Target.Kind.SMS, "a"), new Fixed(Target.Kind.SMS, "b"))))
                .hasMessageContaining("two channels deliver SMS");
    }

    @Test
    void valuesValidateTheirFields() {
        assertThatThrownBy(() -> new IdempotencyKey("PINC/1", 0, "U", "C")).hasMessageContaining("incidentId");
        assertThatThrownBy(() -> new IdempotencyKey("P", 0, "", "C")).hasMessageContaining("userId");
        assertThatThrownBy(() -> Target.of(Target.Kind.SMS, " ")).hasMessageContaining("address");
        assertThatThrownBy(() -> Links.incidentOnly(URI.create("/incidents/P1"))).hasMessageContaining("incident");
        assertThatThrownBy(() -> Links.incidentOnly(URI.create("javascript:alert(1)")))
                .hasMessageContaining("incident");
        Notification n = TestNotifications.page(Target.of(Target.Kind.SMS, "+15550001111"));
        assertThatThrownBy(() -> new Notification(new IdempotencyKey("POTHER", 0, "U", "C"), n.target(), n.event(),
                n.incident(), n.links(), n.occurredAt(), Optional.empty())).hasMessageContaining("POTHER");
        assertThat(Target.signed(Target.Kind.WEBHOOK, "https://x.example.com", "s3cret").toString())
                .doesNotContain("s3cret");
    }

    @Test
    void theIdempotencyKeyIsStableAndDistinct() {
        IdempotencyKey k = new IdempotencyKey("PINC042", 2, "PUSER01", "PCM0001");
        assertThat(k.value()).isEqualTo("PINC042/2/PUSER01/PCM0001");
        assertThat(k.digest()).hasSize(32).isEqualTo(new IdempotencyKey("PINC042", 2, "PUSER01", "PCM0001").digest());
        assertThat(k.uuid()).isEqualTo(new IdempotencyKey("PINC042", 2, "PUSER01", "PCM0001").uuid());
        assertThat(k.digest()).isNotEqualTo(new IdempotencyKey("PINC042", 3, "PUSER01", "PCM0001").digest());
        assertThat(k.uuid()).isNotEqualTo(new IdempotencyKey("PINC042", 2, "PUSER01", "PCM0002").uuid());
    }
}
