package tocsin.notify.subscription;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.RetryPolicy;
import tocsin.notify.Target;
import tocsin.notify.dispatch.Dispatcher;
import tocsin.notify.dispatch.Rounds;
import tocsin.notify.http.HttpExchange;
import tocsin.notify.subscription.EventQueue.Attempt;
import tocsin.notify.subscription.EventQueue.Batch;
import tocsin.notify.subscription.EventQueue.Claim;
import tocsin.notify.subscription.EventQueue.NewDelivery;
import tocsin.notify.subscription.EventQueue.Outcome;
import tocsin.notify.webhook.PagerDutyWebhookChannel;

/**
 * Delivers incident events to webhook subscriptions and chat extensions.
 *
 * <h2>Design note</h2>
 * <b>Where events come from.</b> Every incident change already writes its timeline entries (trigger, acknowledge,
 * resolve, escalate, ...) in the transaction that makes the change, and each entry takes a sequence number from a
 * counter row whose lock is held until that transaction commits, so numbers become visible in commit order. The
 * events are therefore derived from the timeline through a durable cursor instead of a second outbox written
 * by every code path that changes an incident: a path added later cannot forget to emit its event, and no incident
 * transaction grows. A {@link #runOnce() round} (1) <b>fans out</b>: reads the entries after the cursor, maps each to
 * its v3 event type ({@link IncidentChange#eventType()}), builds the event once per receiving endpoint whose events
 * and scope match, and stores those deliveries while moving the cursor, in one transaction that only succeeds from
 * the cursor position it read ({@link EventQueue#enqueue}); a crash before it commits leaves the cursor where it
 * was, and a racing node's enqueue fails and is re-read. (2) <b>claims</b> due deliveries under a lease, one at a
 * time per endpoint and incident, so a receiver sees an incident's events in order and a Slack message is posted
 * before it is updated. (3) <b>sends</b> each on a virtual thread through the {@link EventTransport}, at most
 * {@code perEndpoint} at once per channel kind. (4) <b>records</b> the outcome: delivered; retried at a time the
 * {@link RetryPolicy} picks (backoff, full jitter, {@code Retry-After}); or failed for good, which counts against
 * the endpoint: after {@code disableAfter} such failures in a row (or at once on 410 Gone) the store disables it
 * ({@code temporarily_disabled}, as PagerDuty does) and cancels its pending deliveries.
 *
 * <p><b>Never lost, never twice.</b> The event is stored before it is sent, with its id and body fixed, so a retry
 * or a resend after a crash carries the same {@code X-Webhook-Id} and the same signed body, which receivers dedupe
 * on. A dispatcher killed mid-send leaves its claims leased; after the lease expires another round, here or on
 * another node, sends them again. The lease must outlast the channels' timeouts.
 *
 * <p>Thread-safe. Time comes from the injected clock only; {@link #start} runs rounds on one virtual thread every
 * {@code poll}; {@link #close()} stops it and waits for sends in flight.
 */
public final class EventDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

    /**
     * @param delivery     rounds, leases, batch size, concurrency and retries, as the notification dispatcher's
     * @param disableAfter deliveries failed for good in a row after which an endpoint is disabled
     */
    public record Options(Dispatcher.Options delivery, int disableAfter) {
        public Options {
            Objects.requireNonNull(delivery, "delivery");
            if (disableAfter < 1) {
                throw new IllegalArgumentException("disableAfter must be at least 1: " + disableAfter);
            }
        }

        /** The notification dispatcher's defaults; disabled after 5 deliveries in a row failed for good. */
        public static Options defaults() {
            return new Options(Dispatcher.Options.defaults(), 5);
        }
    }

    /** What the dispatcher reports for metrics. Implementations are thread-safe and never block. */
    public interface Observer {
        /** One attempt ended; {@code channel} is the target kind in lower case, {@code outcome} the outcome's. */
        void attempt(String channel, String outcome);

        /** An endpoint was disabled after repeated failures. */
        void disabled(Endpoint endpoint);

        Observer NONE = new Observer() {
            @Override
            public void attempt(String channel, String outcome) {
            }

            @Override
            public void disabled(Endpoint endpoint) {
            }
        };
    }

    private final EventQueue queue;
    private final EventTransport transport;
    private final URI publicUrl;
    private final Observer observer;
    private final InstantSource clock;
    private final String owner;
    private final Options options;
    private final RandomGenerator random;
    private final Rounds rounds;

    /**
     * @param publicUrl Tocsin's public URL: the base of incident links and REST {@code self} links in events
     * @param owner     this dispatcher's name in leases: unique per process
     * @param random    the jitter source; null for {@link ThreadLocalRandom}
     */
    public EventDispatcher(EventQueue queue, EventTransport transport, URI publicUrl, Observer observer,
                           InstantSource clock, String owner, Options options, RandomGenerator random) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.options = Objects.requireNonNull(options, "options");
        this.random = random;
        this.rounds = new Rounds("tocsin-event-dispatcher", options.delivery().poll(), options.delivery().perChannel(),
                this::runOnce);
    }

    /** Starts rounds in the background, every {@code options.delivery().poll()}. */
    public EventDispatcher start() {
        rounds.start();
        return this;
    }

    /**
     * One round: record the events of new timeline entries, then claim, send and record what is due.
     *
     * @return timeline entries read plus deliveries attempted
     */
    public int runOnce() {
        int read = fanOut();
        List<Claim> claims = queue.claim(owner, clock.instant(), options.delivery().lease(), options.delivery().batch());
        rounds.sendAll(claims, this::deliver);
        return read + claims.size();
    }

    /**
     * Step (1) of a round alone: records the deliveries of the timeline entries after the cursor.
     *
     * @return how many entries were read
     */
    public int fanOut() {
        Batch batch = queue.changes(options.delivery().batch());
        if (batch.changes().isEmpty()) {
            return 0;
        }
        List<Endpoint> endpoints = queue.receivingEndpoints();
        List<NewDelivery> deliveries = new ArrayList<>();
        for (IncidentChange change : batch.changes()) {
            Optional<String> type = change.eventType();
            if (type.isEmpty()) {
                continue;
            }
            for (Endpoint e : endpoints) {
                if (e.events().contains(type.get())
                        && e.scope().covers(change.incident().serviceId(), change.teamIds())
                        && (e.channel() == Target.Kind.PAGERDUTY_WEBHOOK
                        || EventTypes.chatEvent(type.get()).isPresent())) {
                    deliveries.add(delivery(e, change, type.get()));
                }
            }
        }
        long to = batch.changes().getLast().seq();
        if (!queue.enqueue(batch.cursor(), to, deliveries, clock.instant())) {
            LOG.debug("Another dispatcher recorded timeline entries {}..{} first", batch.cursor(), to);
        }
        return batch.changes().size();
    }

    private NewDelivery delivery(Endpoint e, IncidentChange change, String type) {
        String eventId = UUID.nameUUIDFromBytes(("tocsin-event:" + change.logEntryId() + "/" + e.id())
                .getBytes(StandardCharsets.UTF_8)).toString();
        String incidentId = change.incident().id();
        ObjectNode event = PagerDutyWebhookChannel.incidentEvent(publicUrl, eventId, type, change.occurredAt(),
                change.incidentAsOfEvent(), URI.create(base() + "/incidents/" + incidentId), agent(change));
        return new NewDelivery(e.id(), change.logEntryId(), incidentId, eventId, type, HttpExchange.json(event));
    }

    private ObjectNode agent(IncidentChange change) {
        if (change.agentType() == null || change.agentId() == null) {
            return null;
        }
        String collection = switch (change.agentType()) {
            case "user_reference" -> "users";
            case "service_reference" -> "services";
            default -> null;
        };
        ObjectNode agent = JsonNodeFactory.instance.objectNode().put("id", change.agentId())
                .put("type", change.agentType());
        if (collection != null) {
            agent.put("self", base() + "/" + collection + "/" + change.agentId())
                    .put("html_url", base() + "/ui/" + collection + "/" + change.agentId());
        }
        return agent;
    }

    private String base() {
        String s = publicUrl.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private void deliver(Claim c) {
        Endpoint e = c.endpoint();
        String channel = e.channel().name().toLowerCase(Locale.ROOT);
        ObjectNode event = HttpExchange.parseObject(c.payload());
        if (event == null) {
            record(c, channel, new Attempt(clock.instant(), Outcome.FAILED, Optional.empty(),
                    "the recorded event is not a JSON object", Optional.empty(), false));
            return;
        }
        rounds.withPermit(e.channel(), () -> {
            try {
                Delivery d = transport.send(e, event, c.supersedes());
                record(c, channel, new Attempt(clock.instant(), Outcome.DELIVERED,
                        Optional.of(d.providerMessageId()), d.detail(), Optional.empty(), false));
            } catch (DeliveryException failure) {
                failed(c, channel, failure);
            } catch (RuntimeException failure) {
                // a bug or a misconfigured endpoint must not leave the claim to come back under its lease forever
                LOG.error("Event {} to {} failed unexpectedly", c.eventId(), e, failure);
                record(c, channel, new Attempt(clock.instant(), Outcome.FAILED, Optional.empty(),
                        "internal error: " + failure, Optional.empty(), false));
            }
        });
    }

    private void failed(Claim c, String channel, DeliveryException e) {
        RandomGenerator jitter = random == null ? ThreadLocalRandom.current() : random;
        Instant now = clock.instant();
        String what = e.reason() + ": " + e.getMessage();
        boolean gone = "http_410".equals(e.reason());
        RetryPolicy.Decision decision = gone ? new RetryPolicy.GiveUp("the receiver is gone (410)")
                : options.delivery().retry().next(c.attempts(), c.firstAttemptAt(), now, e, jitter);
        switch (decision) {
            case RetryPolicy.RetryAt at -> record(c, channel, new Attempt(now, Outcome.RETRY, Optional.empty(),
                    what + "; retrying in " + at.delay().toMillis() + " ms", Optional.of(at.at()), false));
            case RetryPolicy.GiveUp g -> {
                LOG.warn("Event {} ({}) to {} failed for good: {} ({})", c.eventId(), c.eventType(), c.endpoint(),
                        e.getMessage(), g.reason());
                record(c, channel, new Attempt(now, Outcome.FAILED, Optional.empty(), what + "; " + g.reason(),
                        Optional.empty(), gone));
            }
        }
    }

    private void record(Claim c, String channel, Attempt attempt) {
        if (queue.record(c, attempt, options.disableAfter())) {
            LOG.warn("Disabled {} after repeated failed deliveries (last: {}); POST its enable route once the "
                    + "receiver is fixed", c.endpoint(), attempt.detail());
            observer.disabled(c.endpoint());
        }
        observer.attempt(channel, attempt.outcome().name().toLowerCase(Locale.ROOT));
    }

    /** Stops the background rounds and waits up to 30 s for sends in flight; unfinished claims are retried later. */
    @Override
    public void close() {
        rounds.close();
    }
}
