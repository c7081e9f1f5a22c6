package tocsin.server.pagerduty;

import tocsin.oncall.InvalidScheduleException;
import tocsin.oncall.Layer;
import tocsin.oncall.Restriction;
import tocsin.oncall.ScheduleOverride;
import tocsin.oncall.directory.PeopleStore;
import tocsin.oncall.directory.Person;
import tocsin.oncall.directory.ScheduleStore;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads PagerDuty's schedule and override request objects into the on-call model, naming every bad field by its
 * full path ({@code schedule.schedule_layers[1].rotation_turn_length_seconds: must be positive, got 0}). Type and
 * syntax problems are found here; the rules of the model itself (positive and bounded turns, restrictions within a
 * day or a week, end after start) are {@link Layer}'s, {@link Restriction}'s and {@link ScheduleOverride}'s, whose
 * {@link InvalidScheduleException}s are moved under the field path they came from. Every user a layer or override
 * names must exist. Not thread-safe: one per request.
 */
final class ScheduleReader {
    static final int MAX_LAYERS = 50;
    static final int MAX_USERS_PER_LAYER = 500;
    static final int MAX_RESTRICTIONS_PER_LAYER = 50;
    private static final Set<String> RESTRICTION_TYPES = Set.of("daily_restriction", "weekly_restriction");

    private final PeopleStore people;
    /** Every user id named, with the path of each place it was named, to check they exist in one query. */
    private final Map<String, List<PdFields>> userRefs = new LinkedHashMap<>();

    ScheduleReader(PeopleStore people) {
        this.people = people;
    }

    /** The schedule in {@code f} (the {@code schedule} object); null when {@code f} has recorded problems. */
    ScheduleStore.Draft schedule(PdFields f) {
        String name = f.optText("name", UsersRoutes.MAX_NAME).orElse("");
        String description = f.optText("description", UsersRoutes.MAX_DESCRIPTION).orElse(null);
        ZoneId zone = f.optText("time_zone", 64).map(z -> UsersRoutes.zone(f, "time_zone", z)).orElse(null);
        if (zone == null && !f.hasErrorOn("time_zone")) {
            f.error("time_zone", "is required (an IANA time zone such as Europe/Berlin)");
        }
        List<PdFields> layerFields = f.objects("schedule_layers");
        if (layerFields.isEmpty() && !f.hasErrorOn("schedule_layers")) {
            f.error("schedule_layers", "must contain at least one layer");
        } else if (layerFields.size() > MAX_LAYERS) {
            f.error("schedule_layers", "has " + layerFields.size() + " layers; at most " + MAX_LAYERS);
            layerFields = List.of();
        }
        List<Layer> layers = new ArrayList<>();
        for (PdFields lf : layerFields) {
            Layer layer = layer(lf, zone == null ? ZoneOffset.UTC : zone);
            if (layer != null) {
                layers.add(layer);
            }
        }
        checkUsersExist();
        if (!f.errors().isEmpty()) {
            return null;
        }
        return new ScheduleStore.Draft(name, description, zone, layers);
    }

    /** One override object ({@code override} or an element of {@code overrides}); null when it has problems. */
    ScheduleOverride override(PdFields f, ZoneId scheduleZone) {
        int before = f.errors().size();
        ZoneId zone = f.optText("time_zone", 64).map(z -> UsersRoutes.zone(f, "time_zone", z)).orElse(scheduleZone);
        Instant start = f.optInstant("start", zone == null ? scheduleZone : zone).orElse(null);
        Instant end = f.optInstant("end", zone == null ? scheduleZone : zone).orElse(null);
        String user = userRef(f, "user");
        ScheduleOverride override = build(f, () -> new ScheduleOverride(null, user, start, end));
        checkUsersExist();
        return f.errors().size() == before ? override : null;
    }

    private Layer layer(PdFields lf, ZoneId scheduleZone) {
        String id = lf.optText("id", 64).orElse(null);
        String name = lf.optText("name", UsersRoutes.MAX_NAME).orElse(null);
        ZoneId own = lf.optText("time_zone", 64).map(z -> UsersRoutes.zone(lf, "time_zone", z)).orElse(null);
        ZoneId zone = own != null ? own : scheduleZone;
        Instant start = lf.optInstant("start", zone).orElse(null);
        Instant end = lf.optInstant("end", zone).orElse(null);
        Instant virtualStart = lf.optInstant("rotation_virtual_start", zone).orElse(null);
        Duration turn = lf.optLong("rotation_turn_length_seconds", Long.MIN_VALUE, Long.MAX_VALUE)
                .map(Duration::ofSeconds).orElse(null);
        List<PdFields> userFields = lf.objects("users");
        List<String> users = new ArrayList<>();
        if (userFields.size() > MAX_USERS_PER_LAYER) {
            lf.error("users", "has " + userFields.size() + " entries; at most " + MAX_USERS_PER_LAYER);
        } else {
            for (PdFields uf : userFields) {
                String user = userRef(uf, "user");
                // a bad reference is already reported; a placeholder keeps the layer's own checks running
                users.add(user == null ? "?" : user);
            }
        }
        List<PdFields> restrictionFields = lf.objects("restrictions");
        List<Restriction> restrictions = new ArrayList<>();
        if (restrictionFields.size() > MAX_RESTRICTIONS_PER_LAYER) {
            lf.error("restrictions", "has " + restrictionFields.size() + " entries; at most "
                    + MAX_RESTRICTIONS_PER_LAYER);
        } else {
            for (PdFields rf : restrictionFields) {
                Restriction r = restriction(rf);
                if (r != null) {
                    restrictions.add(r);
                }
            }
        }
        return build(lf, () -> new Layer(id, name, start, end, virtualStart, turn,
                lf.has("users") ? users : null, restrictions, own));
    }

    private Restriction restriction(PdFields rf) {
        String type = rf.optEnum("type", RESTRICTION_TYPES).orElse(null);
        if (type == null && !rf.hasErrorOn("type")) {
            rf.error("type", "is required (daily_restriction or weekly_restriction)");
        }
        LocalTime start = rf.optText("start_time_of_day", 16).map(t -> timeOfDay(rf, t)).orElse(null);
        Long duration = rf.optLong("duration_seconds", Long.MIN_VALUE, Long.MAX_VALUE).orElse(null);
        Long day = rf.optLong("start_day_of_week", 1, 7).orElse(null);
        if (type == null) {
            return null;
        }
        Duration d = duration == null ? null : Duration.ofSeconds(duration);
        if ("weekly_restriction".equals(type)) {
            java.time.DayOfWeek dow = day == null ? null : java.time.DayOfWeek.of(day.intValue());
            return build(rf, () -> new Restriction.Weekly(dow, start, d));
        }
        if (day != null) {
            rf.error("start_day_of_week", "is only for weekly_restriction");
        }
        return build(rf, () -> new Restriction.Daily(start, d));
    }

    private static LocalTime timeOfDay(PdFields f, String raw) {
        try {
            return LocalTime.parse(raw);
        } catch (DateTimeParseException e) {
            f.error("start_time_of_day", "must be a local time HH:MM:SS such as 09:00:00, got '" + raw + "'");
            return null;
        }
    }

    /** The id of a user reference at {@code field}, remembered for the existence check. */
    private String userRef(PdFields f, String field) {
        String id = f.optRefId(field).orElse(null);
        if (id == null) {
            if (!f.hasErrorOn(field) && !f.hasErrorOn(field + ".id")) {
                f.error(field, "is required ({\"id\": \"...\", \"type\": \"user_reference\"})");
            }
            return null;
        }
        userRefs.computeIfAbsent(id, k -> new ArrayList<>()).add(f);
        return id;
    }

    private void checkUsersExist() {
        if (userRefs.isEmpty()) {
            return;
        }
        Set<String> found = new HashSet<>();
        for (Person p : people.people(userRefs.keySet())) {
            found.add(p.id());
        }
        userRefs.forEach((id, places) -> {
            if (!found.contains(id)) {
                places.forEach(f -> f.error("user.id", "no user with id " + id));
            }
        });
        userRefs.clear();
    }

    /**
     * Builds a model value, recording its problems under {@code f}'s path; a problem with a field {@code f} already
     * reported (a type error, then "is required") is not repeated.
     */
    private static <T> T build(PdFields f, Supplier<T> construct) {
        try {
            return construct.get();
        } catch (InvalidScheduleException e) {
            for (InvalidScheduleException.Problem p : e.problems()) {
                String field = p.field();
                String top = field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
                String base = top.contains("[") ? top.substring(0, top.indexOf('[')) : top;
                if (!f.hasErrorOn(field) && !f.hasErrorOn(base)) {
                    f.error(field, p.message());
                }
            }
            return null;
        }
    }
}
