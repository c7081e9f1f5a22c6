package tocsin.oncall.escalation;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tocsin.oncall.Schedule;
import tocsin.oncall.ScheduleRenderer;
import tocsin.oncall.paging.EscalationPolicy;
import tocsin.oncall.paging.EscalationRule;
import tocsin.oncall.paging.EscalationTimer;
import tocsin.oncall.paging.Incident;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.IncidentTx;
import tocsin.oncall.paging.LogEntry;
import tocsin.oncall.paging.PagingException;
import tocsin.oncall.paging.Service;
import tocsin.oncall.paging.Target;

/**
 * Pages people for incidents and moves incidents along their escalation policies as time passes.
 *
 * <h2>Design note</h2>
 * <b>States.</b> An open incident is {@code triggered} (being escalated: it has an {@code ESCALATE} timer) or
 * {@code acknowledged} (someone has it: no {@code ESCALATE} timer, perhaps an {@code ACK_TIMEOUT} or
 * {@code SNOOZE_END} timer that re-triggers it). {@code AUTO_RESOLVE} runs alongside both. A resolved incident has
 * no timers. Paging a level ({@link #page}) is one <em>step</em>: the incident's {@code step} counter increases,
 * the rule's targets are resolved to people at that instant (a schedule target to whoever its final schedule has on
 * call then, rendered by {@link ScheduleRenderer}; round-robin rules pick one of them in turn), one notification
 * request per person goes to the {@link Outbox} under the idempotency key {@code incident:step:user}, and the next
 * {@code ESCALATE} timer is set {@code escalation_delay_in_minutes} later. When the last level's delay passes, the
 * policy starts over from level 1 while {@code loop < num_loops}; then the path is exhausted (logged) and the
 * incident stays triggered with its last assignees.
 *
 * <p><b>Nobody to page is never silent.</b> A level that resolves to no one (a schedule gap, a deleted schedule or
 * policy) writes a {@code nobody_paged_log_entry} saying why, reports {@link EscalationObserver#nobodyPaged}, logs a
 * warning, and still arms the next timer, so the next level gets its chance.
 *
 * <p><b>Transactions and concurrency.</b> Every method taking an {@link IncidentTx} runs inside the caller's
 * transaction: the incident change, its log entries, its outbox rows and its next timer commit together. The engine
 * holds no state of its own; any number of threads and server nodes may run {@link #runDue} at once: each timer is
 * claimed by deleting its row in the transaction that applies it, so exactly one worker applies it, and the
 * incident's optimistic version makes a racing REST change and a timer retry instead of interleaving.
 *
 * <p><b>Crash.</b> A crash (even {@code kill -9}) before commit rolls back the claim together with its effect: the
 * timer is still there and fires after restart. A crash after commit leaves the effect and the next timer durable.
 * A timer whose incident has moved on (resolved, acknowledged, or paged at a later step) is claimed and dropped, so
 * a stale timer can never page twice. Timers that fell due while the server was down fire on start, late but once.
 *
 * <p>Thread-safe. Time comes from the injected clock only.
 */
public final class EscalationEngine {
    private static final Logger LOG = LoggerFactory.getLogger(EscalationEngine.class);
    private static final int MAX_RETRIES = 5;

    private final IncidentStore incidents;
    private final ScheduleLookup schedules;
    private final UserLookup users;
    private final Outbox outbox;
    private final EscalationObserver observer;
    private final InstantSource clock;

    public EscalationEngine(IncidentStore incidents, ScheduleLookup schedules, UserLookup users, Outbox outbox,
                            EscalationObserver observer, InstantSource clock) {
        this.incidents = Objects.requireNonNull(incidents, "incidents");
        this.schedules = Objects.requireNonNull(schedules, "schedules");
        this.users = Objects.requireNonNull(users, "users");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public InstantSource clock() {
        return clock;
    }

    /** Starts escalating a newly triggered (or re-triggered) incident at level 1, and arms its auto-resolve timer. */
    public Incident start(IncidentTx tx, Incident incident, String reason) {
        Instant now = clock.instant();
        tx.service(incident.serviceId()).map(Service::autoResolveTimeout).ifPresent(timeout ->
                tx.setTimer(incident.id(), EscalationTimer.Kind.AUTO_RESOLVE, now.plus(timeout), incident.step()));
        return page(tx, incident, 1, 0, reason, now);
    }

    /**
     * Pages {@code level} (1-based) of the incident's policy as a new step, and sets the timer for the next level.
     * A level beyond the policy's last is clamped to the last.
     */
    public Incident page(IncidentTx tx, Incident incident, int level, int loop, String reason, Instant now) {
        Optional<EscalationPolicy> policy = tx.policy(incident.policyId());
        if (policy.isEmpty()) {
            Incident stepped = tx.updateIncident(incident.escalated(Math.max(level, 1), loop, List.of()));
            nobody(tx, stepped, now, "its escalation policy " + incident.policyId() + " no longer exists");
            return stepped;
        }
        EscalationPolicy p = policy.get();
        int lvl = Math.min(Math.max(level, 1), p.rules().size());
        EscalationRule rule = p.level(lvl);
        List<String> why = new ArrayList<>();
        List<String> people = resolve(tx, rule, now, why);
        Incident stepped = tx.updateIncident(incident.escalated(lvl, loop, people));
        if (people.isEmpty()) {
            nobody(tx, stepped, now, "level " + lvl + " of escalation policy '" + p.name() + "' resolves to no one: "
                    + String.join("; ", why));
        } else {
            tx.log(new LogEntry(null, stepped.id(), stepped.serviceId(), LogEntry.ASSIGN, now, "auto", null, null,
                    null, lvl, "Assigned to " + names(people) + " (level " + lvl + ", " + reason + ")"));
            for (String person : people) {
                outbox.enqueue(tx, stepped, person, users.name(person).orElse(person), reason, now);
            }
            observer.paged(people.size());
        }
        tx.setTimer(stepped.id(), EscalationTimer.Kind.ESCALATE, now.plus(Duration.ofMinutes(rule.delayMinutes())),
                stepped.step());
        return stepped;
    }

    /** Pages the given users directly as a new step (a reassignment), keeping the current level's timer. */
    public Incident assign(IncidentTx tx, Incident incident, List<String> people, String reason, Instant now) {
        Incident stepped = tx.updateIncident(incident.escalated(Math.max(incident.level(), 1), incident.loop(),
                people));
        tx.log(new LogEntry(null, stepped.id(), stepped.serviceId(), LogEntry.ASSIGN, now, "api", null, null, null,
                stepped.level(), "Reassigned to " + names(people)));
        for (String person : people) {
            outbox.enqueue(tx, stepped, person, users.name(person).orElse(person), reason, now);
        }
        observer.paged(people.size());
        int delay = tx.policy(stepped.policyId()).filter(p -> stepped.level() <= p.rules().size())
                .map(p -> p.level(stepped.level()).delayMinutes()).orElse(30);
        tx.setTimer(stepped.id(), EscalationTimer.Kind.ESCALATE, now.plus(Duration.ofMinutes(delay)), stepped.step());
        return stepped;
    }

    /** Stops escalation of an acknowledged incident and arms its acknowledgement timeout, if the service has one. */
    public void acknowledged(IncidentTx tx, Incident incident, Instant now) {
        tx.cancelTimers(incident.id(), EnumSet.of(EscalationTimer.Kind.ESCALATE, EscalationTimer.Kind.SNOOZE_END));
        tx.service(incident.serviceId()).map(Service::ackTimeout).ifPresent(timeout ->
                tx.setTimer(incident.id(), EscalationTimer.Kind.ACK_TIMEOUT, now.plus(timeout), incident.step()));
    }

    /** Snoozes an acknowledged incident: it re-triggers at {@code until}. */
    public void snoozed(IncidentTx tx, Incident incident, Instant until) {
        tx.cancelTimers(incident.id(), EnumSet.of(EscalationTimer.Kind.ESCALATE, EscalationTimer.Kind.ACK_TIMEOUT));
        tx.setTimer(incident.id(), EscalationTimer.Kind.SNOOZE_END, until, incident.step());
    }

    /** Drops every timer of a resolved incident. */
    public void resolved(IncidentTx tx, Incident incident) {
        tx.cancelTimers(incident.id(), EnumSet.allOf(EscalationTimer.Kind.class));
    }

    /**
     * Fires every timer due now, each in its own transaction, at most {@code max}.
     *
     * @return how many timers this call applied (claimed by others or stale ones not counted)
     */
    public int runDue(int max) {
        int applied = 0;
        for (EscalationTimer timer : incidents.dueTimers(clock.instant(), max)) {
            if (fire(timer)) {
                applied++;
            }
        }
        return applied;
    }

    /** When {@link #runDue} next has work, if ever. */
    public Optional<Instant> nextDue() {
        return incidents.nextTimerDue();
    }

    private boolean fire(EscalationTimer timer) {
        for (int attempt = 1; ; attempt++) {
            try {
                return incidents.inTransaction(tx -> {
                    // The incident first: every transaction locks the incident before its timers.
                    Optional<Incident> incident = tx.incident(timer.incidentId());
                    if (!tx.claimTimer(timer)) {
                        return false; // another worker has it
                    }
                    if (incident.isEmpty() || !incident.get().isOpen()) {
                        return false;
                    }
                    boolean applied = apply(tx, timer, incident.get(), clock.instant());
                    if (applied) {
                        observer.timerFired(timer.kind());
                    }
                    return applied;
                });
            } catch (PagingException.Conflict e) {
                if (attempt >= MAX_RETRIES) {
                    LOG.warn("Timer {} of incident {} lost {} races in a row; it stays due", timer.kind(),
                            timer.incidentId(), attempt);
                    return false;
                }
            }
        }
    }

    private boolean apply(IncidentTx tx, EscalationTimer timer, Incident incident, Instant now) {
        switch (timer.kind()) {
            case ESCALATE -> {
                if (incident.status() != Incident.Status.TRIGGERED || timer.step() != incident.step()) {
                    return false; // acknowledged meanwhile, or a later step superseded this timer
                }
                escalate(tx, incident, now);
            }
            case ACK_TIMEOUT, SNOOZE_END -> {
                if (incident.status() != Incident.Status.ACKNOWLEDGED) {
                    return false;
                }
                Incident retriggered = tx.updateIncident(incident.withStatus(Incident.Status.TRIGGERED, now));
                String why = timer.kind() == EscalationTimer.Kind.ACK_TIMEOUT
                        ? "Acknowledgement timed out: re-triggered" : "Snooze ended: re-triggered";
                tx.log(LogEntry.of(retriggered, LogEntry.UNACKNOWLEDGE, now, "timeout", null, null, why));
                page(tx, retriggered, Math.max(retriggered.level(), 1), retriggered.loop(),
                        timer.kind() == EscalationTimer.Kind.ACK_TIMEOUT ? "ack_timeout" : "snooze_end", now);
            }
            case AUTO_RESOLVE -> {
                Incident resolved = tx.updateIncident(incident.withStatus(Incident.Status.RESOLVED, now));
                tx.log(LogEntry.of(resolved, LogEntry.RESOLVE, now, "timeout", null, null,
                        "Resolved automatically: the service's auto-resolve timeout passed"));
                for (var alert : tx.alerts(resolved.id())) {
                    if (!alert.resolved()) {
                        tx.updateAlert(alert.resolvedAt(now));
                    }
                }
                resolved(tx, resolved);
            }
        }
        return true;
    }

    /** The rule's delay passed without an acknowledgement: the next level, the next loop, or the end. */
    private void escalate(IncidentTx tx, Incident incident, Instant now) {
        Optional<EscalationPolicy> policy = tx.policy(incident.policyId());
        int rules = policy.map(p -> p.rules().size()).orElse(0);
        if (incident.level() < rules) {
            tx.log(LogEntry.of(incident, LogEntry.ESCALATE, now, "timeout", null, null, "Escalated to level "
                    + (incident.level() + 1) + ": not acknowledged in time"));
            page(tx, incident, incident.level() + 1, incident.loop(), "escalation", now);
        } else if (policy.isPresent() && incident.loop() < policy.get().numLoops()) {
            tx.log(LogEntry.of(incident, LogEntry.REPEAT_ESCALATION_PATH, now, "timeout", null, null,
                    "Repeating escalation policy (loop " + (incident.loop() + 2) + " of "
                            + (policy.get().numLoops() + 1) + ")"));
            page(tx, incident, 1, incident.loop() + 1, "escalation", now);
        } else {
            tx.log(LogEntry.of(incident, LogEntry.EXHAUST_ESCALATION_PATH, now, "timeout", null, null,
                    "Escalation policy exhausted: nobody acknowledged after " + (incident.loop() + 1) + " pass(es)"));
        }
    }

    /** The people a rule pages now, in target order, without duplicates; {@code why} collects empty targets. */
    private List<String> resolve(IncidentTx tx, EscalationRule rule, Instant now, List<String> why) {
        Set<String> people = new LinkedHashSet<>();
        for (Target target : rule.targets()) {
            switch (target.kind()) {
                case USER -> {
                    if (users.exists(target.id())) {
                        people.add(target.id());
                    } else {
                        why.add("user " + target.id() + " no longer exists");
                    }
                }
                case SCHEDULE -> {
                    Optional<Schedule> schedule = schedules.schedule(target.id());
                    if (schedule.isEmpty()) {
                        why.add("schedule " + target.id() + " does not exist");
                        continue;
                    }
                    Optional<String> onCall = ScheduleRenderer.onCallAt(schedule.get(), now);
                    if (onCall.isEmpty()) {
                        why.add("schedule '" + name(schedule.get()) + "' has nobody on call at " + now);
                    } else {
                        people.add(onCall.get());
                    }
                }
            }
        }
        List<String> all = List.copyOf(people);
        if (rule.assignment() == EscalationRule.Assignment.ROUND_ROBIN && all.size() > 1) {
            long turn = tx.nextRoundRobin(rule.id());
            return List.of(all.get((int) Math.floorMod(turn, (long) all.size())));
        }
        return all;
    }

    private void nobody(IncidentTx tx, Incident incident, Instant now, String why) {
        LOG.warn("Incident #{} ({}) paged NOBODY: {}", incident.number(), incident.id(), why);
        tx.log(new LogEntry(null, incident.id(), incident.serviceId(), LogEntry.NOBODY_PAGED, now, "nobody_on_call",
                null, null, null, incident.level(), "NOBODY WAS NOTIFIED: " + why));
        observer.nobodyPaged(incident.id(), incident.level());
    }

    private String names(List<String> people) {
        List<String> out = new ArrayList<>();
        for (String p : people) {
            out.add(users.name(p).orElse(p));
        }
        return String.join(", ", out);
    }

    private static String name(Schedule s) {
        return s.name() != null ? s.name() : s.id();
    }
}
