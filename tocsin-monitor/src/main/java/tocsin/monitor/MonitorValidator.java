package tocsin.monitor;

import tocsin.monitor.query.Comparator;
import tocsin.monitor.query.CompositeQuery;
import tocsin.monitor.query.MetricAlertQuery;
import tocsin.monitor.query.MonitorQuery;
import tocsin.monitor.query.MonitorQueryException;
import tocsin.monitor.query.MonitorQueryParser;
import tocsin.monitor.query.ServiceCheckQuery;
import tocsin.monitor.template.Handle;
import tocsin.monitor.template.HandleResolver;
import tocsin.monitor.template.MessageTemplate;
import tocsin.monitor.template.TemplateException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Checks a monitor definition beyond its JSON shape, as Datadog's validate endpoint does: the query parses for the
 * monitor's type, the thresholds agree with the query and are ordered for its comparator, a composite references
 * monitors that exist without a cycle, and the message's template and handles are known. Errors name the field;
 * warnings (unknown template variables) do not make the definition invalid. Thread-safe when the lookups are.
 */
public final class MonitorValidator {

    /** Looks up an existing monitor by id; used for composites. Null: referenced monitors are not checked. */
    private final LongFunction<Optional<Monitor>> monitors;
    private final HandleResolver handles;

    public MonitorValidator(LongFunction<Optional<Monitor>> monitors, HandleResolver handles) {
        this.monitors = java.util.Objects.requireNonNull(monitors, "monitors");
        this.handles = handles;
    }

    private MonitorValidator(HandleResolver handles) {
        this.monitors = null;
        this.handles = handles;
    }

    /**
     * A validator for a definition read before any monitor store is open (the configuration file at load time):
     * everything is checked except that a composite's monitors exist, which needs the store; the server checks
     * that, and the handles against what exists, when it reconciles the declared monitors at startup.
     */
    public static MonitorValidator offline(HandleResolver handles) {
        return new MonitorValidator(handles);
    }

    /** The result of a validation; valid when there are no errors. */
    public record Result(MonitorDefinition definition, MonitorQuery query, List<String> errors,
                         List<String> warnings) {
        public Result {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }

        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /**
     * Validates {@code definition}; the returned definition carries the query's critical threshold in its options
     * when the options did not repeat it.
     *
     * @param selfId the monitor's own id when it is being updated, else 0
     */
    public Result validate(MonitorDefinition definition, long selfId) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        MonitorQuery query = null;
        MonitorDefinition out = definition;
        try {
            query = parse(definition.type(), definition.query());
        } catch (MonitorQueryException e) {
            errors.add("query: " + e.getMessage());
        }
        Thresholds t = definition.options().thresholds();
        if (query instanceof MetricAlertQuery m) {
            if (t.critical() != null && t.critical() != m.threshold()) {
                errors.add("options.thresholds.critical: " + MonitorQuery.number(t.critical())
                        + " does not match the threshold in the query (" + MonitorQuery.number(m.threshold())
                        + ")");
            } else {
                t = t.withCritical(m.threshold());
                out = new MonitorDefinition(definition.name(), definition.type(), definition.query(),
                        definition.message(), definition.tags(), definition.priority(),
                        definition.options().withThresholds(t));
            }
            checkOrder(m.comparator(), t, errors);
            if (m.parsedMetric().singleMetric().isEmpty()) {
                warnings.add("query: this query combines metrics or applies functions, so Tocsin evaluates it every "
                        + "10 s over the stored data rather than as each point arrives");
            }
        } else if (query instanceof CompositeQuery c && monitors != null) {
            checkComposite(c, selfId, errors);
        }
        if (definition.type() == MonitorType.SERVICE_CHECK) {
            checkCounts(t, errors);
        }
        List<String> groupKeys = query == null ? List.of() : groupKeys(query);
        checkMessage("message", definition.message(), groupKeys, errors, warnings);
        if (!definition.options().escalationMessage().isEmpty()) {
            checkMessage("options.escalation_message", definition.options().escalationMessage(), groupKeys, errors,
                    warnings);
        }
        return new Result(out, errors.isEmpty() ? query : null, errors, warnings);
    }

    /** The tag keys a query groups by: what {@code {{<key>.name}}} may name. */
    public static List<String> groupKeys(MonitorQuery query) {
        return switch (query) {
            case MetricAlertQuery m -> m.parsedMetric().groupBy();
            case ServiceCheckQuery s -> s.by();
            case CompositeQuery c -> List.of();
        };
    }

    private void checkMessage(String field, String message, List<String> groupKeys, List<String> errors,
                              List<String> warnings) {
        MessageTemplate template;
        try {
            template = MessageTemplate.parse(message);
        } catch (TemplateException e) {
            errors.add(field + ": " + e.getMessage());
            return;
        }
        template.unknownVariables(groupKeys).forEach(w -> warnings.add(field + ": " + w));
        for (Handle h : template.handles()) {
            handles.problem(h).ifPresent(p -> errors.add(field + ": " + h.text() + ": " + p));
        }
    }

    /** Parses a query for a monitor type. */
    public static MonitorQuery parse(MonitorType type, String query) {
        return switch (type) {
            case METRIC_ALERT, QUERY_ALERT -> MonitorQueryParser.metricAlert(query);
            case SERVICE_CHECK -> MonitorQueryParser.serviceCheck(query);
            case COMPOSITE -> MonitorQueryParser.composite(query);
        };
    }

    /**
     * For {@code >}: warning below critical, each recovery below its threshold, warning recovery below critical
     * recovery; mirrored for {@code <}.
     */
    static void checkOrder(Comparator cmp, Thresholds t, List<String> errors) {
        String beyond = cmp.above() ? "below" : "above";
        Double critical = t.critical();
        if (t.warning() != null && critical != null && !strictlyBefore(cmp, t.warning(), critical)) {
            errors.add("options.thresholds.warning: " + MonitorQuery.number(t.warning()) + " must be " + beyond
                    + " the critical threshold (" + MonitorQuery.number(critical) + ") for '" + cmp.symbol()
                    + "'");
        }
        if (t.criticalRecovery() != null && critical != null && !strictlyBefore(cmp, t.criticalRecovery(), critical)) {
            errors.add("options.thresholds.critical_recovery: " + MonitorQuery.number(t.criticalRecovery())
                    + " must be " + beyond + " the critical threshold (" + MonitorQuery.number(critical)
                    + ") for '" + cmp.symbol() + "'");
        }
        if (t.warningRecovery() != null) {
            if (t.warning() == null) {
                errors.add("options.thresholds.warning_recovery: needs a warning threshold");
            } else if (!strictlyBefore(cmp, t.warningRecovery(), t.warning())) {
                errors.add("options.thresholds.warning_recovery: " + MonitorQuery.number(t.warningRecovery())
                        + " must be " + beyond + " the warning threshold (" + MonitorQuery.number(t.warning())
                        + ") for '" + cmp.symbol() + "'");
            }
        }
    }

    private static boolean strictlyBefore(Comparator cmp, double lesser, double greater) {
        return cmp.above() ? lesser < greater : lesser > greater;
    }

    private static void checkCounts(Thresholds t, List<String> errors) {
        for (var e : java.util.Map.of("ok", nullSafe(t.ok()), "warning", nullSafe(t.warning()), "critical",
                nullSafe(t.critical())).entrySet()) {
            double v = e.getValue();
            if (!Double.isNaN(v) && (v != Math.rint(v) || v < 1 || v > 100)) {
                errors.add("options.thresholds." + e.getKey() + ": a service check threshold is a count of runs "
                        + "between 1 and 100, got " + MonitorQuery.number(v));
            }
        }
    }

    private static double nullSafe(Double d) {
        return d == null ? Double.NaN : d;
    }

    private void checkComposite(CompositeQuery c, long selfId, List<String> errors) {
        for (long id : c.ids()) {
            if (id == selfId) {
                errors.add("query: a composite monitor cannot reference itself (" + id + ")");
                continue;
            }
            Optional<Monitor> m = monitors.apply(id);
            if (m.isEmpty()) {
                errors.add("query: monitor " + id + " does not exist");
            } else if (selfId != 0 && reaches(m.get(), selfId)) {
                errors.add("query: monitor " + id + " references this monitor, which would make a cycle");
            }
        }
    }

    /** Whether {@code start}, a composite, reaches {@code target} through composites. */
    private boolean reaches(Monitor start, long target) {
        Deque<Monitor> todo = new ArrayDeque<>(List.of(start));
        Set<Long> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Monitor m = todo.pop();
            if (!seen.add(m.id()) || m.definition().type() != MonitorType.COMPOSITE) {
                continue;
            }
            CompositeQuery q;
            try {
                q = MonitorQueryParser.composite(m.definition().query());
            } catch (MonitorQueryException e) {
                continue;
            }
            for (long id : q.ids()) {
                if (id == target) {
                    return true;
                }
                monitors.apply(id).ifPresent(todo::push);
            }
        }
        return false;
    }
}
