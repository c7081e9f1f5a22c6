package tocsin.notify.http;

import org.junit.jupiter.api.Test;
import tocsin.notify.RetryableDeliveryException;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpExchangeTest {

    final HttpExchange http = new HttpExchange(HttpExchange.newClient(Duration.ofSeconds(1)), Duration.ofSeconds(1),
            InstantSource.fixed(Instant.parse("2026-12-05T07:00:00Z")));

    @Test
    void retryAfterAcceptsSecondsAndHttpDates() {
        assertThat(http.parseRetryAfter("120")).contains(Duration.ofSeconds(120));
        assertThat(http.parseRetryAfter(" 0 ")).contains(Duration.ZERO);
        assertThat(http.parseRetryAfter("Sat, 05 Dec 2026 07:01:30 GMT")).contains(Duration.ofSeconds(90));
        assertThat(http.parseRetryAfter("Sat, 05 Dec 2026 06:00:00 GMT")).as("in the past").contains(Duration.ZERO);
    }

    @Test
    void hostileRetryAfterIsIgnoredOrCapped() {
        assertThat(http.parseRetryAfter("-5")).isEmpty();
        assertThat(http.parseRetryAfter("soon")).isEmpty();
        assertThat(http.parseRetryAfter("")).isEmpty();
        assertThat(http.parseRetryAfter("99999999999999999999")).contains(Duration.ofDays(1));
        assertThat(http.parseRetryAfter("864000")).contains(Duration.ofDays(1));
    }

    @Test
    void aHugeBodyIsReadOnlyUpToTheCap() throws Exception {
        try (HttpSink sink = new HttpSink()) {
            sink.answer(HttpSink.Response.text(200, "x".repeat(8 * 1024 * 1024)));
            var response = http.send(java.net.http.HttpRequest.newBuilder(sink.uri("/big")));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).hasSize(HttpExchange.MAX_BODY);
        }
    }

    @Test
    void aBodyThatTricklesPastTheDeadlineIsATimeout() {
        try (HttpSink sink = new HttpSink()) {
            sink.answer(HttpSink.Response.text(200, "slow body").drippedOver(Duration.ofSeconds(5)));
            long start = System.nanoTime();
            assertThatThrownBy(() -> http.send(java.net.http.HttpRequest.newBuilder(sink.uri("/drip"))))
                    .isInstanceOfSatisfying(RetryableDeliveryException.class,
                            e -> assertThat(e.reason()).isEqualTo("timeout"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void statusClasses() {
        for (int s : new int[]{408, 425, 429, 500, 502, 503, 504}) {
            assertThat(HttpExchange.isRetryableStatus(s)).as("%d", s).isTrue();
        }
        for (int s : new int[]{301, 400, 401, 403, 404, 410, 413, 422}) {
            assertThat(HttpExchange.isRetryableStatus(s)).as("%d", s).isFalse();
        }
    }

    @Test
    void errorSnippetsAreShortAndOneLine() {
        assertThat(HttpExchange.snippetSuffix("")).isEmpty();
        assertThat(HttpExchange.snippetSuffix("a\n  b")).isEqualTo(": a b");
        assertThat(HttpExchange.snippetSuffix("x".repeat(5000))).hasSize(2 + HttpExchange.SNIPPET + 1);
    }
}
