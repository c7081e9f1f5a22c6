package tocsin.oncall.incident;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import tocsin.oncall.escalation.EscalationEngine;
import tocsin.oncall.escalation.UserLookup;
import tocsin.oncall.paging.Actor;
import tocsin.oncall.paging.Alert;
import tocsin.oncall.paging.AlertGrouping;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.Incident;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.IncidentTx;
import tocsin.oncall.paging.Integration;
import tocsin.oncall.paging.LogEntry;
import tocsin.oncall.paging.Note;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.PagingException;
import tocsin.oncall.paging.Service;

/**
 * The front door for changing incidents: events from integrations (trigger, acknowledge, resolve by dedup key, as
 * PagerDuty's Events API defines them) and people's actions through the REST API (create, acknowledge, resolve,
 * reassign, escalate, urgency, priority, snooze, merge, notes). Each call is one transaction in which the incident,
 * its alerts and log entries, the notifications it causes and its timers change together (the
 * {@link EscalationEngine} does the paging). A call that loses an optimistic race re-reads and re-applies its change
 * (its meaning, "acknowledge", is re-evaluated on the fresh state) up to a few times, then reports
 * {@link PagingException.Conflict}.
 *
 * <p>Dedup semantics (PagerDuty Events API v2): a trigger whose dedup key names an open alert of the service only
 * counts; otherwise it opens an alert, which joins the open incident with that {@code incident_key} or, by the
 * service's alert grouping, a recent open incident, or else opens a new incident. Acknowledge and resolve of a key
 * that names nothing open are accepted and ignored. Resolving an incident's last open alert resolves the incident.
 *
 * <p>Thread-safe: stateless besides its collaborators.
 */
public final class Incidents {
    private static final int MAX_ATTEMPTS = 8;

    private final PagingConfigStore config;
    private final IncidentStore store;
    private final EscalationEngine engine;
    private final UserLookup users;

    public Incidents(PagingConfigStore config, IncidentStore store, EscalationEngine engine, UserLookup users) {
        this.config = config;
        this.store = store;
        this.engine = engine;
        this.users = users;
    }

    // ---- events

    public EventResult trigger(Integration integration, AlertEvent event) {
        Service service = service(integration.serviceId());
        Instant now = now();
        String dedup = event.dedupKey() != null ? event.dedupKey() : UUID.randomUUID().toString().replace("-", "");
        if (service.disabled() || config.inMaintenance(service.id(), now)) {
            return new EventResult(dedup, null, EventResult.Outcome.SUPPRESSED);
        }
        Actor actor = Actor.integration(integration);
        return retrying(tx -> {
            Optional<Alert> open = tx.openAlert(service.id(), dedup);
            if (open.isPresent()) {
                tx.updateAlert(open.get().counted());
                return new EventResult(dedup, open.get().incidentId(), EventResult.Outcome.DEDUPLICATED);
            }
            String groupKey = groupKey(service.grouping(), event);
            Optional<Incident> target = tx.openIncidentByKey(service.id(), dedup);
            if (target.isEmpty() && groupKey != null) {
                Duration window = service.grouping().type() == AlertGrouping.Type.TIME ? service.grouping().timeout()
                        : service.grouping().timeWindow();
                target = tx.openIncidentByGroup(service.id(), groupKey, window.isZero() ? Instant.EPOCH
                        : now.minus(window));
            }
            if (target.isPresent()) {
                Incident incident = target.get();
                tx.insertAlert(alert(incident.id(), service, integration, dedup, event, now));
                tx.log(LogEntry.of(incident, LogEntry.TRIGGER, now, actor.channel(), actor.agentType(),
                        actor.agentId(), "Alert added: " + event.summary()));
                return new EventResult(dedup, incident.id(), EventResult.Outcome.GROUPED);
            }
            Incident incident = tx.insertIncident(Incident.open(event.summary(), service.id(), service.policyId(),
                    service.urgencyRule().urgencyAt(now), dedup, groupKey, now));
            tx.insertAlert(alert(incident.id(), service, integration, dedup, event, now));
            tx.log(LogEntry.of(incident, LogEntry.TRIGGER, now, actor.channel(), actor.agentType(), actor.agentId(),
                    "Triggered through " + integration.type().wireName() + ": " + event.summary()));
            engine.start(tx, incident, "trigger");
            return new EventResult(dedup, incident.id(), EventResult.Outcome.OPENED);
        });
    }

    public EventResult acknowledge(Integration integration, String dedupKey) {
        Actor actor = Actor.integration(integration);
        return retrying(tx -> {
            Optional<Incident> incident = byDedupKey(tx, integration.serviceId(), dedupKey);
            if (incident.isEmpty() || incident.get().status() != Incident.Status.TRIGGERED) {
                return new EventResult(dedupKey, incident.map(Incident::id).orElse(null), EventResult.Outcome.IGNORED);
            }
            acknowledge(tx, incident.get(), actor, now());
            return new EventResult(dedupKey, incident.get().id(), EventResult.Outcome.ACKNOWLEDGED);
        });
    }

    public EventResult resolve(Integration integration, String dedupKey) {
        Actor actor = Actor.integration(integration);
        Instant now = now();
        return retrying(tx -> {
            Optional<Alert> alert = tx.openAlert(integration.serviceId(), dedupKey);
            Optional<Incident> incident = byDedupKey(tx, integration.serviceId(), dedupKey);
            if (incident.isEmpty()) {
                return new EventResult(dedupKey, null, EventResult.Outcome.IGNORED);
            }
            alert.ifPresent(a -> tx.updateAlert(a.resolvedAt(now)));
            boolean othersOpen = tx.alerts(incident.get().id()).stream()
                    .anyMatch(a -> !a.resolved() && alert.map(x -> !x.id().equals(a.id())).orElse(true));
            if (othersOpen) {
                tx.log(LogEntry.of(incident.get(), LogEntry.ANNOTATE, now, actor.channel(), actor.agentType(),
                        actor.agentId(), "Alert " + dedupKey + " resolved; other alerts are still open"));
                return new EventResult(dedupKey, incident.get().id(), EventResult.Outcome.IGNORED);
            }
            resolve(tx, incident.get(), actor, now, null);
            return new EventResult(dedupKey, incident.get().id(), EventResult.Outcome.RESOLVED);
        });
    }

    // ---- people's actions

    /**
     * Opens an incident by hand ({@code POST /incidents}).
     *
     * @throws PagingException.Invalid when the service, policy or a user does not exist, or an open incident of
     *                                 the service already has the incident key
     */
    public Incident create(NewIncident n, Actor actor) {
        Service service = config.service(n.serviceId()).orElseThrow(() ->
                PagingException.Invalid.of("incident.service.id", "no service '" + n.serviceId() + "'"));
        String policyId = n.policyId() != null ? n.policyId() : service.policyId();
        if (config.policy(policyId).isEmpty()) {
            throw PagingException.Invalid.of("incident.escalation_policy.id", "no escalation policy '" + policyId
                    + "'");
        }
        checkUsers("incident.assignments", n.assignees());
        Instant now = now();
        String key = n.incidentKey() != null ? n.incidentKey() : UUID.randomUUID().toString().replace("-", "");
        return retrying(tx -> {
            if (tx.openIncidentByKey(service.id(), key).isPresent()) {
                throw PagingException.Invalid.of("incident.incident_key", "an open incident with matching dedup "
                        + "key '" + key + "' already exists on this service");
            }
            Incident draft = Incident.open(n.title(), service.id(), policyId,
                    n.urgency() != null ? n.urgency() : service.urgencyRule().urgencyAt(now), key, null, now)
                    .withPriority(n.priority());
            Incident incident = tx.insertIncident(draft);
            // PagerDuty keeps body.details with the trigger log entry's channel; here it follows the title.
            tx.log(LogEntry.of(incident, LogEntry.TRIGGER, now, "web_trigger", actor.agentType(), actor.agentId(),
                    "Triggered by hand: " + n.title() + (n.details() == null ? "" : "\n\n" + n.details())));
            if (n.assignees().isEmpty()) {
                return engine.start(tx, incident, "trigger");
            }
            return engine.assign(tx, incident, n.assignees(), "trigger", now);
        });
    }

    /**
     * Applies one PUT's changes.
     *
     * @throws PagingException.NotFound when the incident does not exist
     * @throws PagingException.Invalid  when a change does not apply (resolved incident, level out of range, ...)
     */
    public Incident update(String id, IncidentUpdate u, Actor actor) {
        if (u.assignees() != null) {
            checkUsers("incident.assignments", u.assignees());
        }
        if (u.policyId() != null && config.policy(u.policyId()).isEmpty()) {
            throw PagingException.Invalid.of("incident.escalation_policy.id", "no escalation policy '" + u.policyId()
                    + "'");
        }
        return retrying(tx -> {
            Incident incident = tx.incident(id).orElseThrow(() -> notFound(id));
            Instant now = now();
            if (!incident.isOpen() && !(u.status() == Incident.Status.RESOLVED && u.isEmptyButStatus())) {
                throw PagingException.Invalid.of("incident.status", "incident " + id + " is resolved; a resolved "
                        + "incident cannot change");
            }
            if (u.title() != null) {
                incident = tx.updateIncident(incident.withTitle(u.title()));
            }
            if (u.urgency() != null && u.urgency() != incident.urgency()) {
                incident = tx.updateIncident(incident.withUrgency(u.urgency()));
                tx.log(LogEntry.of(incident, LogEntry.URGENCY_CHANGE, now, actor.channel(), actor.agentType(),
                        actor.agentId(), "Urgency changed to " + u.urgency().wireName()));
            }
            if (u.priority() != null) {
                incident = tx.updateIncident(incident.withPriority(u.priority().isEmpty() ? null : u.priority()));
                tx.log(LogEntry.of(incident, LogEntry.PRIORITY_CHANGE, now, actor.channel(), actor.agentType(),
                        actor.agentId(), u.priority().isEmpty() ? "Priority cleared" : "Priority set to "
                                + u.priority()));
            }
            if (u.policyId() != null && !u.policyId().equals(incident.policyId())) {
                incident = tx.updateIncident(incident.withPolicy(u.policyId()));
                tx.log(LogEntry.of(incident, LogEntry.DELEGATE, now, actor.channel(), actor.agentType(),
                        actor.agentId(), "Reassigned to escalation policy " + u.policyId()));
                incident = retrigger(tx, incident, now);
                incident = engine.page(tx, incident, 1, 0, "reassign", now);
            }
            if (u.escalationLevel() != null) {
                int rules = tx.policy(incident.policyId()).map(p -> p.rules().size()).orElse(0);
                if (u.escalationLevel() < 1 || u.escalationLevel() > rules) {
                    throw PagingException.Invalid.of("incident.escalation_level", "must be between 1 and " + rules
                            + " (the levels of the incident's escalation policy), got " + u.escalationLevel());
                }
                tx.log(LogEntry.of(incident, LogEntry.ESCALATE, now, actor.channel(), actor.agentType(),
                        actor.agentId(), "Escalated by hand to level " + u.escalationLevel()));
                incident = retrigger(tx, incident, now);
                incident = engine.page(tx, incident, u.escalationLevel(), incident.loop(), "manual_escalation", now);
            }
            if (u.assignees() != null) {
                incident = retrigger(tx, incident, now);
                incident = engine.assign(tx, incident, u.assignees(), "reassign", now);
            }
            if (u.status() == Incident.Status.ACKNOWLEDGED) {
                if (incident.status() == Incident.Status.TRIGGERED) {
                    incident = acknowledge(tx, incident, actor, now);
                }
            } else if (u.status() == Incident.Status.RESOLVED) {
                if (incident.isOpen()) {
                    incident = resolve(tx, incident, actor, now, u.resolution());
                }
            } else if (u.status() != null) {
                throw PagingException.Invalid.of("incident.status", "must be acknowledged or resolved");
            }
            return incident;
        });
    }

    /** Snoozes an acknowledged incident for {@code duration}; it re-triggers when the snooze ends. */
    public Incident snooze(String id, Duration duration, Actor actor) {
        if (duration.getSeconds() < 1 || duration.compareTo(Duration.ofDays(7)) > 0) {
            throw PagingException.Invalid.of("duration", "must be between 1 and 604800 seconds");
        }
        return retrying(tx -> {
            Incident incident = tx.incident(id).orElseThrow(() -> notFound(id));
            if (incident.status() != Incident.Status.ACKNOWLEDGED) {
                throw PagingException.Invalid.of("incident.status", "only an acknowledged incident can be snoozed; "
                        + "this one is " + incident.status().wireName());
            }
            Instant now = now();
            Incident touched = tx.updateIncident(incident);
            tx.log(LogEntry.of(touched, LogEntry.SNOOZE, now, actor.channel(), actor.agentType(), actor.agentId(),
                    "Snoozed for " + duration.toMinutes() + " minutes, until " + now.plus(duration)));
            engine.snoozed(tx, touched, now.plus(duration));
            return touched;
        });
    }

    /** Merges {@code sourceIds} into {@code targetId}: their alerts move, they resolve as merged. */
    public Incident merge(String targetId, List<String> sourceIds, Actor actor) {
        if (sourceIds.isEmpty()) {
            throw PagingException.Invalid.of("source_incidents", "must name at least one incident");
        }
        return retrying(tx -> {
            Incident target = tx.incident(targetId).orElseThrow(() -> notFound(targetId));
            if (!target.isOpen()) {
                throw PagingException.Invalid.of("incident", "the target incident " + targetId + " is resolved");
            }
            Instant now = now();
            for (int i = 0; i < sourceIds.size(); i++) {
                String sid = sourceIds.get(i);
                if (sid.equals(targetId)) {
                    throw PagingException.Invalid.of("source_incidents[" + i + "].id", "cannot merge an incident "
                            + "into itself");
                }
                int at = i;
                Incident source = tx.incident(sid).orElseThrow(() -> PagingException.Invalid.of(
                        "source_incidents[" + at + "].id", "no incident '" + sid + "'"));
                for (Alert a : tx.alerts(sid)) {
                    tx.updateAlert(a.movedTo(targetId));
                }
                Incident merged = tx.updateIncident(source.mergedInto(targetId, now));
                engine.resolved(tx, merged);
                tx.log(LogEntry.of(merged, LogEntry.MERGE, now, actor.channel(), actor.agentType(), actor.agentId(),
                        "Merged into incident #" + target.number()));
                tx.log(LogEntry.of(target, LogEntry.MERGE, now, actor.channel(), actor.agentType(), actor.agentId(),
                        "Incident #" + source.number() + " merged in"));
            }
            return tx.updateIncident(target);
        });
    }

    /** Adds a note ({@code POST /incidents/{id}/notes}). */
    public Note addNote(String id, String userId, String content) {
        if (content == null || content.isBlank()) {
            throw PagingException.Invalid.of("note.content", "is required");
        }
        if (content.length() > Note.MAX_CONTENT) {
            throw PagingException.Invalid.of("note.content", "is longer than " + Note.MAX_CONTENT + " characters");
        }
        return retrying(tx -> {
            Incident incident = tx.incident(id).orElseThrow(() -> notFound(id));
            Instant now = now();
            Note note = tx.addNote(new Note(null, incident.id(), userId, content, now));
            tx.log(LogEntry.of(incident, LogEntry.ANNOTATE, now, "note", userId == null ? null : "user_reference",
                    userId, "Note added"));
            return note;
        });
    }

    // ---- shared steps

    private Incident acknowledge(IncidentTx tx, Incident incident, Actor actor, Instant now) {
        Incident acked = tx.updateIncident(incident.acknowledgedBy(actor.acknowledger(), now));
        tx.log(LogEntry.of(acked, LogEntry.ACKNOWLEDGE, now, actor.channel(), actor.agentType(), actor.agentId(),
                "Acknowledged"));
        engine.acknowledged(tx, acked, now);
        return acked;
    }

    private Incident resolve(IncidentTx tx, Incident incident, Actor actor, Instant now, String resolution) {
        Incident resolved = tx.updateIncident(incident.withStatus(Incident.Status.RESOLVED, now));
        for (Alert a : tx.alerts(resolved.id())) {
            if (!a.resolved()) {
                tx.updateAlert(a.resolvedAt(now));
            }
        }
        tx.log(LogEntry.of(resolved, LogEntry.RESOLVE, now, actor.channel(), actor.agentType(), actor.agentId(),
                resolution == null || resolution.isBlank() ? "Resolved" : "Resolved: " + resolution));
        engine.resolved(tx, resolved);
        return resolved;
    }

    /** An acknowledged incident that is escalated or reassigned is triggered again, as in PagerDuty. */
    private static Incident retrigger(IncidentTx tx, Incident incident, Instant now) {
        if (incident.status() == Incident.Status.ACKNOWLEDGED) {
            return tx.updateIncident(incident.withStatus(Incident.Status.TRIGGERED, now));
        }
        return incident;
    }

    private static Optional<Incident> byDedupKey(IncidentTx tx, String serviceId, String dedupKey) {
        Optional<Alert> alert = tx.openAlert(serviceId, dedupKey);
        if (alert.isPresent()) {
            return tx.incident(alert.get().incidentId()).filter(Incident::isOpen);
        }
        return tx.openIncidentByKey(serviceId, dedupKey);
    }

    /** The key alert grouping matches on, or null when the service does not group. */
    static String groupKey(AlertGrouping grouping, AlertEvent event) {
        return switch (grouping.type()) {
            case NONE -> null;
            case TIME -> "time";
            case CONTENT_BASED -> {
                StringBuilder sb = new StringBuilder();
                for (String field : grouping.fields()) {
                    String v = event.field(field);
                    sb.append(field).append('=').append(v == null ? "\u0000" : v).append('\u0001');
                }
                try {
                    byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString()
                            .getBytes(StandardCharsets.UTF_8));
                    yield "c:" + HexFormat.of().formatHex(digest, 0, 24);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("SHA-256 is required of every JDK", e);
                }
            }
        };
    }

    private static Alert alert(String incidentId, Service service, Integration integration, String dedup,
                               AlertEvent e, Instant now) {
        return new Alert(null, incidentId, service.id(), integration.id(), dedup, false, e.summary(), e.source(),
                e.severity(), e.component(), e.group(), e.className(), e.customDetails(), 1, now, null);
    }

    private void checkUsers(String field, List<String> ids) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!users.exists(ids.get(i))) {
                problems.add(field + "[" + i + "].assignee.id: no user '" + ids.get(i) + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new PagingException.Invalid(problems);
        }
    }

    private Service service(String id) {
        return config.service(id).orElseThrow(() -> new PagingException.NotFound("Service " + id + " not found"));
    }

    /** The policy an incident follows, for callers that show its levels. */
    public Optional<EscalationPolicy> policyOf(Incident incident) {
        return config.policy(incident.policyId());
    }

    private static PagingException.NotFound notFound(String id) {
        return new PagingException.NotFound("Incident " + id + " not found");
    }

    private Instant now() {
        return engine.clock().instant();
    }

    private <T> T retrying(Function<IncidentTx, T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return store.inTransaction(work);
            } catch (PagingException.Conflict e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
