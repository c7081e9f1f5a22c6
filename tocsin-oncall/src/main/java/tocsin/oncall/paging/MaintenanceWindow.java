package tocsin.oncall.paging;

import java.time.Instant;
import java.util.List;

/**
 * A period during which the listed services open no incidents: events are accepted and dropped, as PagerDuty does
 * for services in maintenance. Immutable.
 *
 * @param id          null until stored
 * @param start       {@code start_time}
 * @param end         {@code end_time}, after start
 * @param description may be null
 * @param serviceIds  {@code services[].id}, at least one
 * @param createdBy   the user or key that created it; may be null
 */
public record MaintenanceWindow(String id, Instant start, Instant end, String description, List<String> serviceIds,
                                String createdBy) {

    public MaintenanceWindow {
        Checks checks = new Checks();
        checks.required("start_time", start);
        checks.required("end_time", end);
        if (start != null && end != null && !end.isAfter(start)) {
            checks.add("end_time", "must be after start_time " + start + ", got " + end);
        }
        checks.maxLength("description", description, 1024);
        if (serviceIds == null || serviceIds.isEmpty()) {
            checks.add("services", "must name at least one service");
            serviceIds = List.of();
        } else {
            serviceIds = List.copyOf(serviceIds);
        }
        checks.throwIfAny();
    }

    /** Whether the window is in effect at {@code instant}. */
    public boolean covers(Instant instant) {
        return !instant.isBefore(start) && instant.isBefore(end);
    }

    public MaintenanceWindow withId(String newId) {
        return new MaintenanceWindow(newId, start, end, description, serviceIds, createdBy);
    }
}
