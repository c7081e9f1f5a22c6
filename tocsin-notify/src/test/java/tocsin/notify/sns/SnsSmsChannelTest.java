package tocsin.notify.sns;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Notification;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.TestNotifications;
import tocsin.notify.http.HttpSink;
import tocsin.notify.http.HttpSink.Response;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SNS channel with the real AWS SDK, against a sink that answers as SNS's Query API does. */
class SnsSmsChannelTest {

    static final String PUBLISHED = """
            <PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
              <PublishResult><MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult>
              <ResponseMetadata><RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata>
            </PublishResponse>""";

    static String error(String type, String code, String message) {
        return """
                <ErrorResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/">
                  <Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error>
                  <RequestId>9ab1c1a6-2f0e-5b55-a5b4-2e0a8f3b9c11</RequestId>
                </ErrorResponse>""".formatted(type, code, message);
    }

    static Response xml(int status, String body) {
        return Response.of(status, "text/xml", body);
    }

    final HttpSink aws = new HttpSink();
    SnsSmsChannel channel;

    SnsSmsChannel channel(Duration timeout) {
        channel = new SnsSmsChannel(new SnsSettings("us-east-1", Optional.of(aws.base()), timeout),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")));
        return channel;
    }

    @AfterEach
    void close() {
        if (channel != null) {
            channel.close();
        }
        aws.close();
    }

    static Notification smsTo(String number) {
        return TestNotifications.page(Target.of(Target.Kind.SMS, number));
    }

    @Test
    void publishesToThePhoneNumberAsTransactionalSms() throws Exception {
        aws.answer(xml(200, PUBLISHED));
        Delivery d = channel(Duration.ofSeconds(5)).send(smsTo("+15557654321"));

        assertThat(d.providerMessageId()).isEqualTo("567910cd-659e-55d4-8ccb-5aaf14679dc0");
        HttpSink.Request r = aws.only();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/");
        assertThat(r.header("Authorization"))
                .matches("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/us-east-1/sns/aws4_request, .*");
        assertThat(r.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(r.formValue("Action")).isEqualTo("Publish");
        assertThat(r.formValue("Version")).isEqualTo("2010-03-31");
        assertThat(r.formValue("PhoneNumber")).isEqualTo("+15557654321");
        assertThat(r.formValue("Message")).startsWith("Tocsin #42 HIGH checkout-api:");
        assertThat(r.form()).containsEntry("MessageAttributes.entry.1.Name", java.util.List.of("AWS.SNS.SMS.SMSType"))
                .containsEntry("MessageAttributes.entry.1.Value.DataType", java.util.List.of("String"))
                .containsEntry("MessageAttributes.entry.1.Value.StringValue", java.util.List.of("Transactional"));
    }

    @Test
    void snsErrorsAreClassifiedAndTheSdkDoesNotRetryOnItsOwn() {
        assertFailure(xml(400, error("Sender", "InvalidParameter",
                        "Invalid parameter: PhoneNumber Reason: +15005550001 is not valid to publish to")),
                PermanentDeliveryException.class, "sns_InvalidParameter");
        assertFailure(xml(403, error("Sender", "AuthorizationError", "User is not authorized to perform SNS:Publish")),
                PermanentDeliveryException.class, "sns_AuthorizationError");
        assertFailure(xml(400, error("Sender", "Throttling", "Rate exceeded")), RetryableDeliveryException.class,
                "sns_Throttling");
        assertFailure(xml(500, error("Receiver", "InternalError", "Internal service error")),
                RetryableDeliveryException.class, "sns_InternalError");
        assertThat(aws.requests()).hasSize(4);
    }

    @Test
    void anInvalidNumberIsPermanentWithoutACall() {
        assertThatThrownBy(() -> channel(Duration.ofSeconds(5)).send(smsTo("555-1234")))
                .isInstanceOfSatisfying(PermanentDeliveryException.class,
                        e -> assertThat(e.reason()).isEqualTo("invalid_phone_number"));
        assertThat(aws.requests()).isEmpty();
    }

    @Test
    void aSlowSnsTimesOutRetryably() {
        aws.answer(xml(200, PUBLISHED).delayedBy(Duration.ofSeconds(3)));
        assertThatThrownBy(() -> channel(Duration.ofMillis(400)).send(smsTo("+15557654321")))
                .isInstanceOfSatisfying(RetryableDeliveryException.class,
                        e -> assertThat(e.reason()).isEqualTo("timeout"));
    }

    @Test
    void anUnreachableEndpointIsRetryable() {
        SnsSmsChannel c = channel(Duration.ofSeconds(3));
        aws.close();
        assertThatThrownBy(() -> c.send(smsTo("+15557654321"))).isInstanceOf(RetryableDeliveryException.class);
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> new SnsSettings("useast1", Optional.empty(), Duration.ofSeconds(1)))
                .hasMessageContaining("region");
        assertThatThrownBy(() -> new SnsSettings("us-east-1", Optional.of(java.net.URI.create("localhost:4566")),
                Duration.ofSeconds(1))).hasMessageContaining("endpoint");
    }

    private void assertFailure(Response response, Class<? extends DeliveryException> type, String reason) {
        aws.answer(response);
        SnsSmsChannel c = channel != null ? channel : channel(Duration.ofSeconds(5));
        assertThatThrownBy(() -> c.send(smsTo("+15557654321"))).as(response.body())
                .isInstanceOfSatisfying(type, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
