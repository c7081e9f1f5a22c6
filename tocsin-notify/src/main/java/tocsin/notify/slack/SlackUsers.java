package tocsin.notify.slack;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import tocsin.notify.DeliveryException;
import tocsin.notify.http.HttpExchange;

/**
 * Who clicked a button: the e-mail address of a Slack user, from the Web API's {@code users.info} with the bot token
 * (the app needs the {@code users:read} and {@code users:read.email} scopes). Tocsin maps Slack users to its own users
 * by that address, so nothing has to be linked by hand. Answers are cached for {@link #CACHE_TTL} (at most
 * {@link #MAX_CACHED} users), so a burst of clicks costs one lookup per person. Thread-safe.
 */
public final class SlackUsers {

    static final Duration CACHE_TTL = Duration.ofMinutes(10);
    static final int MAX_CACHED = 10_000;
    private static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{2,31}");

    /** Why a user has no e-mail address here. */
    public static final class LookupException extends Exception {
        public LookupException(String message) {
            super(message);
        }
    }

    private record Cached(String email, Instant at) {
    }

    private final SlackSettings settings;
    private final HttpExchange http;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public SlackUsers(SlackSettings settings, InstantSource clock) {
        this.settings = settings;
        this.http = HttpExchange.create(settings.timeout(), clock);
        this.clock = clock;
    }

    /**
     * The user's e-mail address, lower-cased.
     *
     * @throws LookupException when Slack does not say it (unknown user, missing scope, Slack unreachable), with a
     *                         message a person can act on
     */
    public String email(String slackUserId) throws LookupException {
        if (slackUserId == null || !USER_ID.matcher(slackUserId).matches()) {
            throw new LookupException("not a Slack user id: " + slackUserId);
        }
        Instant now = clock.instant();
        Cached hit = cache.get(slackUserId);
        if (hit != null && Duration.between(hit.at(), now).compareTo(CACHE_TTL) < 0) {
            return hit.email();
        }
        JsonNode answer = usersInfo(slackUserId);
        String email = answer.path("user").path("profile").path("email").asText("").strip()
                .toLowerCase(Locale.ROOT);
        if (email.isEmpty()) {
            throw new LookupException("Slack shows no e-mail address for " + slackUserId + " (the Tocsin app needs "
                    + "the users:read.email scope)");
        }
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(slackUserId, new Cached(email, now));
        return email;
    }

    private JsonNode usersInfo(String slackUserId) throws LookupException {
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(settings.method("users.info?user="
                            + URLEncoder.encode(slackUserId, StandardCharsets.UTF_8)))
                    .header("Authorization", "Bearer " + settings.botToken())
                    .GET());
        } catch (DeliveryException e) {
            throw new LookupException("Slack users.info failed: " + e.getMessage());
        }
        JsonNode answer = HttpExchange.parseObject(response.body());
        if (!HttpExchange.isSuccess(response.statusCode()) || answer == null) {
            throw new LookupException("Slack users.info answered " + response.statusCode()
                    + HttpExchange.snippetSuffix(response.body()));
        }
        if (!answer.path("ok").asBoolean(false)) {
            throw new LookupException("Slack users.info refused: " + answer.path("error").asText("unknown_error"));
        }
        return answer;
    }
}
