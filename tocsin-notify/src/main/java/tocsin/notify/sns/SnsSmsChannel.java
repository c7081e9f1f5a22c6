package tocsin.notify.sns;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.PhoneNumbers;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.template.SmsChannel;

import java.util.Map;
import java.util.Set;

/**
 * SMS through AWS SNS: {@code Publish} with {@code PhoneNumber} and {@code AWS.SNS.SMS.SMSType = Transactional}
 * (pages are time-critical, and transactional messages are delivered ahead of promotional ones). The SDK's own
 * retries are off: the dispatcher retries, and records each attempt. Failures: throttling, 5xx and transport
 * failures are retryable; invalid parameters (a number SNS cannot publish to), authorization and other client errors
 * are permanent. The provider message id is SNS's MessageId. Thread-safe ({@link SnsClient} is); {@link #close}
 * releases the HTTP client.
 */
public final class SnsSmsChannel implements SmsChannel, AutoCloseable {

    /** Error codes that mean "later", beyond those the SDK itself calls throttling. */
    static final Set<String> RETRYABLE_CODES = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "InternalError", "InternalErrorException", "InternalFailure", "ServiceUnavailable", "RequestTimeout",
            "KMSThrottlingException");

    private final SnsClient sns;

    /** A channel with the AWS default credentials chain. */
    public SnsSmsChannel(SnsSettings settings) {
        this(settings, DefaultCredentialsProvider.builder().build());
    }

    public SnsSmsChannel(SnsSettings settings, AwsCredentialsProvider credentials) {
        var builder = SnsClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(settings.timeout())
                        .apiCallAttemptTimeout(settings.timeout()));
        settings.endpoint().ifPresent(builder::endpointOverride);
        this.sns = builder.build();
    }

    @Override
    public Target.Kind kind() {
        return Target.Kind.SMS;
    }

    @Override
    public Delivery text(Target target, String text) throws DeliveryException {
        String to = PhoneNumbers.requireE164(target.address(), "PhoneNumber");
        PublishRequest request = PublishRequest.builder()
                .phoneNumber(to)
                .message(text)
                .messageAttributes(Map.of("AWS.SNS.SMS.SMSType",
                        MessageAttributeValue.builder().dataType("String").stringValue("Transactional").build()))
                .build();
        try {
            PublishResponse response = sns.publish(request);
            return new Delivery(response.messageId(), "sns published");
        } catch (SdkException e) {
            throw classify(e);
        }
    }

    static DeliveryException classify(SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            String reason = "sns_" + (code == null ? service.statusCode() : code);
            String text = "SNS refused the SMS: " + (code == null ? "HTTP " + service.statusCode() : code) + ": "
                    + (service.awsErrorDetails() == null ? service.getMessage()
                    : service.awsErrorDetails().errorMessage());
            if (service.isThrottlingException() || RETRYABLE_CODES.contains(code) || service.statusCode() >= 500) {
                return new RetryableDeliveryException(reason, text, null, e);
            }
            return new PermanentDeliveryException(reason, text, e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new RetryableDeliveryException("timeout", "SNS did not answer in time", null, e);
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
            return new PermanentDeliveryException("aws_credentials", "no usable AWS credentials for SNS: "
                    + e.getMessage(), e);
        }
        return new RetryableDeliveryException("sns_unreachable", "SNS could not be reached: " + e.getMessage(),
                null, e);
    }

    @Override
    public void close() {
        sns.close();
    }
}
