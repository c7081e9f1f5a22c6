package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryPolicy;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.dispatch.Dispatcher;
import tocsin.notify.subscription.Endpoint;
import tocsin.notify.subscription.EndpointStore;
import tocsin.notify.subscription.EventDispatcher;
import tocsin.notify.subscription.EventQueue;
import tocsin.notify.subscription.EventQueue.State;
import tocsin.notify.subscription.EventTransport;
import tocsin.oncall.incident.AlertEvent;
import tocsin.oncall.incident.IncidentUpdate;
import tocsin.oncall.incident.Incidents;
import tocsin.oncall.paging.Actor;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.Incident;
import tocsin.oncall.paging.Integration;

/**
 * What every backend owes incident events: the {@link EventQueue} and {@link EndpointStore} contracts, driven by the
 * real incident front door (Events API calls, people's updates) and the real {@link EventDispatcher}, on a
 * {@link ManualClock}, with a scripted transport that records what it was asked to send. Extended by the SQLite and
 * PostgreSQL tests.
 */
public abstract class EventQueueContract {

    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");
    private static final URI PUBLIC = URI.create("https://tocsin.example");
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final EventDispatcher.Options OPTIONS = new EventDispatcher.Options(new Dispatcher.Options(
            Duration.ofMillis(100), LEASE, 50, 2, new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(8),
            Duration.ofMinutes(15), 2.0)), 2);

    protected final ManualClock clock = new ManualClock(START);
    private StateStore state;
    private Incidents incidents;
    private EventQueue queue;
    private EndpointStore endpoints;
    private Integration checkout;
    private Integration billing;
    private String alice;
    private final ScriptedTransport transport = new ScriptedTransport();
    private final List<String> observed = new CopyOnWriteArrayList<>();
    private EventDispatcher dispatcher;

    protected abstract StateConfig newStateConfig(InstantSource clock);

    @BeforeEach
    final void open() {
        state = StateStore.open(newStateConfig(clock));
        queue = state.eventQueue();
        endpoints = state.endpointStore();
        OnePersonPaging paging = OnePersonPaging.on(state, clock);
        alice = paging.alice();
        incidents = paging.incidents();
        checkout = paging.service("checkout", "0123456789abcdef0123456789abcdef");
        billing = paging.service("billing", "fedcba9876543210fedcba9876543210");
        dispatcher = dispatcher("node-a");
    }

    @AfterEach
    final void close() {
        dispatcher.close();
        state.close();
    }

    private EventDispatcher dispatcher(String owner) {
        return new EventDispatcher(queue, transport, PUBLIC, new EventDispatcher.Observer() {
            @Override
            public void attempt(String channel, String outcome) {
                observed.add(channel + ":" + outcome);
            }

            @Override
            public void disabled(Endpoint endpoint) {
                observed.add("disabled:" + endpoint.id());
            }
        }, clock, owner, OPTIONS, new Random(7));
    }

    private Endpoint subscription(Endpoint.Scope scope, Set<String> events) {
        return endpoints.create(new Endpoint(null, Endpoint.Kind.WEBHOOK_SUBSCRIPTION, Target.Kind.PAGERDUTY_WEBHOOK,
                "ops hook", "https://hooks.example/pd", Optional.of("s3cret"),
                List.of(new Endpoint.Header("X-Env", "prod")), events, scope, null, null, true, false, 0,
                Optional.empty(), null));
    }

    private Endpoint allEvents() {
        return subscription(Endpoint.Scope.ACCOUNT, tocsin.notify.subscription.EventTypes.KNOWN);
    }

    private String trigger(Integration integration, String dedup) {
        return incidents.trigger(integration, new AlertEvent(dedup, "Database down", "db-1", "critical", null, null,
                null, null, Map.of())).incidentId();
    }

    private void update(String incidentId, Incident.Status status) {
        incidents.update(incidentId, new IncidentUpdate(status, null, null, null, null, null, null, null),
                Actor.user(alice));
    }

    private void advance(Duration d) {
        clock.advance(d);
        dispatcher.runOnce();
    }

    private List<String> sentTypes() {
        return transport.sent.stream().map(s -> s.event.path("event_type").asText()).toList();
    }

    // ---- events from the timeline

    @Test
    void triggerAcknowledgeResolveArriveAsOneEventEachInOrder() {
        Endpoint hook = allEvents();
        String id = trigger(checkout, "db");
        update(id, Incident.Status.ACKNOWLEDGED);
        update(id, Incident.Status.RESOLVED);

        dispatcher.runOnce();
        dispatcher.runOnce();
        dispatcher.runOnce();

        assertThat(sentTypes()).containsExactly("incident.triggered", "incident.acknowledged", "incident.resolved");
        Sent first = transport.sent.getFirst();
        assertThat(first.endpoint.id()).isEqualTo(hook.id());
        assertThat(first.event.path("resource_type").asText()).isEqualTo("incident");
        assertThat(first.event.at("/data/id").asText()).isEqualTo(id);
        assertThat(first.event.at("/data/status").asText()).as("as of the event, not as of the fan-out")
                .isEqualTo("triggered");
        assertThat(first.event.at("/data/html_url").asText()).isEqualTo("https://tocsin.example/incidents/" + id);
        assertThat(first.event.at("/data/service/summary").asText()).isEqualTo("checkout");
        assertThat(transport.sent.get(1).event.at("/agent/id").asText()).isEqualTo(alice);
        assertThat(transport.sent.get(1).event.at("/agent/type").asText()).isEqualTo("user_reference");
        assertThat(queue.deliveries(hook.id())).extracting(EventQueue.StoredDelivery::state)
                .containsExactly(State.DELIVERED, State.DELIVERED, State.DELIVERED);
        assertThat(observed).containsExactly("pagerduty_webhook:delivered", "pagerduty_webhook:delivered",
                "pagerduty_webhook:delivered");

        dispatcher.runOnce();
        assertThat(transport.sent).as("nothing twice").hasSize(3);
    }

    @Test
    void scopeAndEventTypesFilterWhatIsRecorded() {
        String checkoutService = checkout.serviceId();
        Endpoint onlyCheckout = subscription(new Endpoint.Scope(Endpoint.Scope.Type.SERVICE,
                List.of(checkoutService)), Set.of("incident.resolved"));
        String a = trigger(checkout, "a");
        String b = trigger(billing, "b");
        update(a, Incident.Status.RESOLVED);
        update(b, Incident.Status.RESOLVED);

        dispatcher.runOnce();

        assertThat(queue.deliveries(onlyCheckout.id())).singleElement()
                .satisfies(d -> assertThat(d.incidentId()).isEqualTo(a))
                .satisfies(d -> assertThat(d.eventType()).isEqualTo("incident.resolved"));
    }

    @Test
    void notesAreAnnotationsWhileAssignmentsAndTheNotificationLogAnnounceNothing() {
        Endpoint hook = allEvents();
        String id = trigger(checkout, "db");
        incidents.addNote(id, alice, "looking");
        dispatcher.runOnce();

        assertThat(queue.deliveries(hook.id())).extracting(EventQueue.StoredDelivery::eventType)
                .containsExactly("incident.triggered", "incident.annotated");
    }

    @Test
    void reassigningToAnotherPolicyIsDelegated() {
        Endpoint hook = allEvents();
        String id = trigger(checkout, "db");
        EscalationPolicy other = OnePersonPaging.policy(state, "night", alice);
        incidents.update(id, new IncidentUpdate(null, null, null, null, null, null, other.id(), null),
                Actor.user(alice));
        incidents.update(id, new IncidentUpdate(null, null, null, "P1", null, null, null, null), Actor.user(alice));
        dispatcher.runOnce();

        assertThat(queue.deliveries(hook.id())).extracting(EventQueue.StoredDelivery::eventType)
                .containsExactly("incident.triggered", "incident.delegated", "incident.priority_updated");
    }

    @Test
    void anEndpointCreatedLaterStartsWithTheNextEntries() {
        String id = trigger(checkout, "db");
        dispatcher.runOnce();
        Endpoint hook = allEvents();
        update(id, Incident.Status.ACKNOWLEDGED);
        dispatcher.runOnce();

        assertThat(sentTypes()).containsExactly("incident.acknowledged");
        assertThat(queue.deliveries(hook.id())).hasSize(1);
    }

    @Test
    void aStaleCursorRecordsNothing() {
        Endpoint hook = allEvents();
        trigger(checkout, "db");
        EventQueue.Batch batch = queue.changes(10);
        assertThat(batch.changes()).isNotEmpty();
        long to = batch.changes().getLast().seq();

        assertThat(queue.enqueue(batch.cursor(), to, List.of(), clock.instant())).isTrue();
        assertThat(queue.enqueue(batch.cursor(), to, List.of(new EventQueue.NewDelivery(hook.id(),
                batch.changes().getFirst().logEntryId(), "PX", "e", "incident.triggered", "{}")), clock.instant()))
                .as("another dispatcher moved the cursor").isFalse();
        assertThat(queue.deliveries(hook.id())).isEmpty();
        assertThat(queue.changes(10).changes()).isEmpty();
    }

    // ---- retries, order, leases

    @Test
    void aRetryableFailureIsRetriedWithTheSameEventAndBlocksLaterEventsOfTheIncident() {
        Endpoint hook = allEvents();
        transport.script.add(new RetryableDeliveryException("http_500", "boom"));
        String id = trigger(checkout, "db");
        update(id, Incident.Status.ACKNOWLEDGED);

        dispatcher.runOnce();
        assertThat(sentTypes()).containsExactly("incident.triggered");
        dispatcher.runOnce();
        assertThat(sentTypes()).as("the acknowledgement waits for the trigger").hasSize(1);

        advance(Duration.ofSeconds(3));
        dispatcher.runOnce();
        assertThat(sentTypes()).containsExactly("incident.triggered", "incident.triggered", "incident.acknowledged");
        assertThat(transport.sent.get(0).event).isEqualTo(transport.sent.get(1).event);
        assertThat(queue.deliveries(hook.id())).extracting(EventQueue.StoredDelivery::attempts).containsExactly(2, 1);
        assertThat(observed).startsWith("pagerduty_webhook:retry", "pagerduty_webhook:delivered");
    }

    @Test
    void aLeaseHeldByADeadNodeIsTakenOverAfterItExpires() {
        Endpoint hook = allEvents();
        trigger(checkout, "db");
        dispatcher.fanOut();
        List<EventQueue.Claim> dead = queue.claim("node-dead", clock.instant(), LEASE, 10);
        assertThat(dead).hasSize(1);

        dispatcher.runOnce();
        assertThat(transport.sent).as("leased elsewhere").isEmpty();
        advance(LEASE.plusSeconds(1));
        assertThat(transport.sent).hasSize(1);
        assertThat(transport.sent.getFirst().event.path("id").asText()).isEqualTo(dead.getFirst().eventId());

        queue.record(dead.getFirst(), new EventQueue.Attempt(clock.instant(), EventQueue.Outcome.FAILED,
                Optional.empty(), "late", Optional.empty(), false), 1);
        assertThat(queue.deliveries(hook.id())).extracting(EventQueue.StoredDelivery::state)
                .as("the dead node's late record does not override").containsExactly(State.DELIVERED);
        assertThat(endpoints.endpoint(hook.id()).orElseThrow().consecutiveFailures()).isZero();
    }

    // ---- auto-disable

    @Test
    void repeatedFinalFailuresDisableTheEndpointUntilEnabled() {
        Endpoint hook = allEvents();
        transport.script.add(new PermanentDeliveryException("http_400", "bad"));
        transport.script.add(new PermanentDeliveryException("http_400", "bad"));
        trigger(checkout, "a");
        dispatcher.runOnce();
        assertThat(endpoints.endpoint(hook.id()).orElseThrow().receiving()).isTrue();
        String b = trigger(billing, "b");
        update(b, Incident.Status.ACKNOWLEDGED);
        dispatcher.runOnce();

        Endpoint disabled = endpoints.endpoint(hook.id()).orElseThrow();
        assertThat(disabled.temporarilyDisabled()).isTrue();
        assertThat(disabled.consecutiveFailures()).isEqualTo(2);
        assertThat(disabled.lastError()).get().asString().contains("http_400");
        assertThat(observed).contains("disabled:" + hook.id());
        assertThat(queue.deliveries(hook.id())).extracting(EventQueue.StoredDelivery::state)
                .as("the acknowledgement waiting behind the failed trigger is dropped")
                .containsExactly(State.FAILED, State.FAILED, State.CANCELLED);
        assertThat(queue.receivingEndpoints()).isEmpty();

        trigger(billing, "d");
        dispatcher.runOnce();
        assertThat(queue.deliveries(hook.id())).as("nothing recorded while disabled").hasSize(3);

        Endpoint enabled = endpoints.enable(hook.id()).orElseThrow();
        assertThat(enabled.temporarilyDisabled()).isFalse();
        assertThat(enabled.consecutiveFailures()).isZero();
        trigger(checkout, "e");
        dispatcher.runOnce();
        assertThat(queue.deliveries(hook.id())).last().extracting(EventQueue.StoredDelivery::state)
                .isEqualTo(State.DELIVERED);
    }

    @Test
    void goneDisablesAtOnceAndSuccessResetsTheCount() {
        Endpoint hook = allEvents();
        transport.script.add(new PermanentDeliveryException("http_400", "bad"));
        trigger(checkout, "a");
        dispatcher.runOnce();
        assertThat(endpoints.endpoint(hook.id()).orElseThrow().consecutiveFailures()).isEqualTo(1);
        trigger(checkout, "b");
        dispatcher.runOnce();
        assertThat(endpoints.endpoint(hook.id()).orElseThrow().consecutiveFailures()).isZero();

        transport.script.add(new PermanentDeliveryException("http_410", "gone"));
        trigger(billing, "c");
        dispatcher.runOnce();
        assertThat(endpoints.endpoint(hook.id()).orElseThrow().temporarilyDisabled()).isTrue();
    }

    // ---- chat

    @Test
    void chatEndpointsGetTheLastMessageOfTheIncidentToUpdate() {
        Endpoint slack = endpoints.create(new Endpoint(null, Endpoint.Kind.EXTENSION, Target.Kind.SLACK, "ops chat",
                "C0123ABC", Optional.empty(), List.of(), tocsin.notify.subscription.EventTypes.CHAT_EVENTS,
                new Endpoint.Scope(Endpoint.Scope.Type.SERVICE, List.of(checkout.serviceId())), "PSLACK1", "{}", true,
                false, 0, Optional.empty(), null));
        String id = trigger(checkout, "db");
        incidents.addNote(id, alice, "not for chat");
        update(id, Incident.Status.ACKNOWLEDGED);
        dispatcher.runOnce();
        dispatcher.runOnce();

        assertThat(transport.sent).extracting(s -> s.event.path("event_type").asText())
                .containsExactly("incident.triggered", "incident.acknowledged");
        assertThat(transport.sent.get(0).supersedes).isEmpty();
        assertThat(transport.sent.get(1).supersedes).contains("msg-1");
        assertThat(queue.deliveries(slack.id())).hasSize(2);
    }

    // ---- the endpoint store

    @Test
    void endpointsRoundTripAndUpdatesKeepTheFailureCount() {
        Endpoint hook = allEvents();
        Endpoint read = endpoints.endpoint(hook.id()).orElseThrow();
        assertThat(read).isEqualTo(hook);
        assertThat(read.secret()).contains("s3cret");
        assertThat(read.customHeaders()).containsExactly(new Endpoint.Header("X-Env", "prod"));
        assertThat(endpoints.endpoints(Endpoint.Kind.WEBHOOK_SUBSCRIPTION)).containsExactly(hook);
        assertThat(endpoints.endpoints(Endpoint.Kind.EXTENSION)).isEmpty();

        Endpoint off = new Endpoint(hook.id(), hook.kind(), hook.channel(), "renamed", "https://other.example/x",
                hook.secret(), List.of(), Set.of("incident.resolved"), Endpoint.Scope.ACCOUNT, null, null, false,
                false, 0, Optional.empty(), hook.createdAt());
        Endpoint updated = endpoints.update(off).orElseThrow();
        assertThat(updated.name()).isEqualTo("renamed");
        assertThat(updated.active()).isFalse();
        assertThat(updated.customHeaders()).isEmpty();
        assertThat(updated.events()).containsExactly("incident.resolved");
        assertThat(endpoints.update(new Endpoint("PNOPE00", hook.kind(), hook.channel(), "x", "https://x.example",
                Optional.empty(), List.of(), Set.of(), Endpoint.Scope.ACCOUNT, null, null, true, false, 0,
                Optional.empty(), null))).isEmpty();

        assertThat(endpoints.delete(hook.id())).isTrue();
        assertThat(endpoints.delete(hook.id())).isFalse();
        assertThat(endpoints.endpoint(hook.id())).isEmpty();
        assertThat(endpoints.enable(hook.id())).isEmpty();
    }

    @Test
    void switchingAnEndpointOffDropsItsPendingDeliveries() {
        Endpoint hook = allEvents();
        transport.script.add(new RetryableDeliveryException("timeout", "slow"));
        trigger(checkout, "db");
        dispatcher.runOnce();
        endpoints.update(new Endpoint(hook.id(), hook.kind(), hook.channel(), hook.name(), hook.address(),
                hook.secret(), hook.customHeaders(), hook.events(), hook.scope(), null, null, false, false, 0,
                Optional.empty(), hook.createdAt()));
        advance(Duration.ofMinutes(1));

        assertThat(transport.sent).hasSize(1);
        assertThat(queue.deliveries(hook.id())).extracting(EventQueue.StoredDelivery::state)
                .containsExactly(State.CANCELLED);
    }

    /** One send as the transport saw it. */
    private record Sent(Endpoint endpoint, ObjectNode event, Optional<String> supersedes) {
    }

    /** Answers each send with the next scripted failure, or success with ids {@code msg-1, msg-2, ...}. */
    private static final class ScriptedTransport implements EventTransport {
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        final Deque<DeliveryException> script = new ArrayDeque<>();

        @Override
        public synchronized Delivery send(Endpoint endpoint, ObjectNode event, Optional<String> supersedes)
                throws DeliveryException {
            sent.add(new Sent(endpoint, event, supersedes));
            DeliveryException next = script.poll();
            if (next != null) {
                throw next;
            }
            return new Delivery("msg-" + sent.size(), "ok");
        }
    }
}
