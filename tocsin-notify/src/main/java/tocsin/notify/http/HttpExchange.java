package tocsin.notify.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.notify.DeliveryException;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One outbound HTTP request with a deadline, answering the response or a classified failure. Transport failures
 * (connection refused, timeouts, resets, unknown hosts) are retryable: the receiver may be back in a minute. Status
 * codes follow {@link #classifyStatus}. Redirects are not followed: a webhook that moved must be reconfigured, not
 * chased. Thread-safe; one instance per channel shares one {@link HttpClient}.
 */
public final class HttpExchange {

    /** Longest response body kept for error messages. */
    static final int SNIPPET = 300;
    /** Most response body bytes read; provider answers that matter are a few kilobytes. */
    public static final int MAX_BODY = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final Duration requestTimeout;
    private final InstantSource clock;

    public HttpExchange(HttpClient client, Duration requestTimeout, InstantSource clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** An exchange on its own {@link #newClient client}, with {@code timeout} for connecting and for each request. */
    public static HttpExchange create(Duration timeout, InstantSource clock) {
        return new HttpExchange(newClient(timeout), timeout, clock);
    }

    /** A client for channels: HTTP/1.1 (what webhooks receivers most reliably speak), no redirects. */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Sends a request and returns the response whatever its status. The whole exchange, body included, is bounded by
     * the request timeout (the JDK's own timeout stops at the headers, which would let a receiver drip its body
     * forever), and at most {@link #MAX_BODY} bytes of the body are read.
     *
     * @throws RetryableDeliveryException when no complete response arrived in time
     */
    public HttpResponse<String> send(HttpRequest.Builder request) throws RetryableDeliveryException {
        HttpRequest built = request.timeout(requestTimeout).build();
        URI uri = built.uri();
        String where = uri.getScheme() + "://" + uri.getAuthority();
        CompletableFuture<HttpResponse<String>> exchange = client.sendAsync(built, CappedBody.handler(MAX_BODY));
        try {
            return exchange.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new RetryableDeliveryException("timeout", where + " did not answer within " + requestTimeout,
                    null, e);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new RetryableDeliveryException("interrupted", "interrupted while sending to " + where, null, e);
        } catch (ExecutionException e) {
            throw transportFailure(e.getCause() == null ? e : e.getCause(), uri, where);
        }
    }

    private RetryableDeliveryException transportFailure(Throwable failure, URI uri, String where) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            switch (t) {
                case HttpConnectTimeoutException c -> {
                    return new RetryableDeliveryException("connect_timeout", "no connection to " + where
                            + " within the connect timeout", null, failure);
                }
                case HttpTimeoutException h -> {
                    return new RetryableDeliveryException("timeout", where + " did not answer within "
                            + requestTimeout, null, failure);
                }
                case ConnectException c -> {
                    return new RetryableDeliveryException("connection_refused", "cannot connect to " + where
                            + ": " + c.getMessage(), null, failure);
                }
                case UnknownHostException u -> {
                    return new RetryableDeliveryException("unknown_host", "unknown host " + uri.getHost(), null,
                            failure);
                }
                default -> {
                    // look further down the chain
                }
            }
        }
        return new RetryableDeliveryException("io_error", "request to " + where + " failed: " + failure, null,
                failure);
    }

    /**
     * POSTs a JSON document (UTF-8, with {@code headers} added) and returns the 2xx response; any other status is
     * thrown, classified by {@link #classifyStatus} with {@code what} as the message.
     */
    public HttpResponse<String> postJson(URI url, String json, Map<String, String> headers, String what)
            throws DeliveryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        HttpResponse<String> response = send(request);
        if (!isSuccess(response.statusCode())) {
            throw classifyStatus(response, "http", what);
        }
        return response;
    }

    /** A JSON tree as compact text. */
    public static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** Parses a JSON object; null for anything else (HTML error pages, arrays, garbage). */
    public static ObjectNode parseObject(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n instanceof ObjectNode o ? o : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * Classifies a response that was not a success: 408, 425, 429 and 5xx are retryable (honouring
     * {@code Retry-After}), 3xx and every other 4xx permanent. The reason is {@code prefix + "_" + status}.
     *
     * @param response the response
     * @param prefix   the reason prefix ({@code http}, {@code slack}, ...)
     * @param message  what failed, for people; the status and a snippet of the body are appended
     */
    public DeliveryException classifyStatus(HttpResponse<String> response, String prefix,
                                             String message) {
        int status = response.statusCode();
        String text = message + ": HTTP " + status + snippetSuffix(response.body());
        String reason = prefix + "_" + status;
        if (isRetryableStatus(status)) {
            return new RetryableDeliveryException(reason, text, retryAfter(response).orElse(null), null);
        }
        return new PermanentDeliveryException(reason, text);
    }

    /** 408 Request Timeout, 425 Too Early, 429 Too Many Requests and every 5xx. */
    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    /**
     * The {@code Retry-After} header as a wait: delta-seconds or an HTTP-date (RFC 9110 section 10.2.3). A date in the
     * past is no wait; a malformed header is ignored. Capped at one day so a hostile header cannot park a page.
     */
    public Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(this::parseRetryAfter);
    }

    Optional<Duration> parseRetryAfter(String value) {
        String v = value.trim();
        Duration wait;
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit)) {
            wait = v.length() > 9 ? Duration.ofDays(1) : Duration.ofSeconds(Long.parseLong(v));
        } else {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                wait = Duration.between(clock.instant(), at);
                if (wait.isNegative()) {
                    wait = Duration.ZERO;
                }
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        return Optional.of(wait.compareTo(Duration.ofDays(1)) > 0 ? Duration.ofDays(1) : wait);
    }

    /** {@code ": <first 300 chars of body>"}, or nothing for an empty body. */
    public static String snippetSuffix(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String b = body.strip().replaceAll("\\s+", " ");
        return ": " + (b.length() > SNIPPET ? b.substring(0, SNIPPET) + "…" : b);
    }

    /** Whether the status is 2xx. */
    public static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }
}
