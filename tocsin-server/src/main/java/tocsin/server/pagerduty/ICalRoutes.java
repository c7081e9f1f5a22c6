package tocsin.server.pagerduty;

import tocsin.oncall.Entry;
import tocsin.oncall.Schedule;
import tocsin.oncall.ScheduleRenderer;
import tocsin.oncall.directory.Person;
import tocsin.oncall.directory.ScheduleStore;
import tocsin.oncall.directory.ScheduleStore.Feed;
import tocsin.oncall.directory.StoredSchedule;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * iCalendar feeds of on-call shifts, as PagerDuty offers them ({@code http_cal_url}, {@code web_cal_url}): a
 * schedule's final schedule, and a person's own shifts across every schedule. {@code GET /ical/{token}.ics} is public:
 * the random token (256 bits, {@link ScheduleStore#feed}) is the proof, so a wrong one is a plain 404 that says
 * nothing about which tokens exist.
 *
 * <p>A feed covers {@link #PAST} back and {@link #AHEAD} ahead of now. Each shift's {@code UID} is made of the
 * schedule, the person and the shift's start, so it stays the same from one fetch to the next while the window moves:
 * the rendering reaches {@link #MARGIN} beyond the window on each side so that a shift crossing its edge keeps its
 * real start (only a single shift longer than the margin could still be cut, and so change its UID). Thread-safe.
 */
final class ICalRoutes {
    static final Duration PAST = Duration.ofDays(30);
    static final Duration AHEAD = Duration.ofDays(90);
    static final Duration MARGIN = SchedulesRoutes.OVERFLOW_MARGIN;
    private static final String PATH = "/ical/";
    private static final String SUFFIX = ".ics";

    private final DirectoryApi api;

    ICalRoutes(DirectoryApi api) {
        this.api = api;
    }

    void register(RouteTable routes) {
        routes.family(Dialect.TOCSIN).get(PATH + "{file}", Access.PUBLIC, this::feed);
    }

    /** The {@code http_cal_url} and {@code web_cal_url} of a schedule's or person's feed (creating its token). */
    static Map<String, Object> feedUrls(DirectoryApi api, Feed.Kind kind, String ownerId) {
        String token = api.schedules().feed(kind, ownerId).token();
        String http = api.publicUrl() + PATH + token + SUFFIX;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("http_cal_url", http);
        m.put("web_cal_url", "webcal://" + http.substring(http.indexOf("://") + 3));
        return m;
    }

    private void feed(Exchange ex) {
        String file = ex.pathParam("file");
        Optional<Feed> feed = file.endsWith(SUFFIX)
                ? api.schedules().feedByToken(file.substring(0, file.length() - SUFFIX.length()))
                : Optional.empty();
        if (feed.isEmpty()) {
            throw ApiProblem.notFound("No such calendar feed");
        }
        Instant now = Instant.ofEpochSecond(api.clock().instant().getEpochSecond());
        Instant since = now.minus(PAST);
        Instant until = now.plus(AHEAD);
        String body = switch (feed.get().kind()) {
            case SCHEDULE -> scheduleFeed(feed.get().ownerId(), now, since, until);
            case USER -> userFeed(feed.get().ownerId(), now, since, until);
        };
        ex.response().header("Cache-Control", "private, max-age=300");
        ex.text(200, ICalWriter.MEDIA_TYPE, body);
    }

    private String scheduleFeed(String scheduleId, Instant now, Instant since, Instant until) {
        StoredSchedule s = api.schedules().schedule(scheduleId)
                .orElseThrow(() -> ApiProblem.notFound("No such calendar feed"));
        List<Entry> shifts = shifts(s, since, until);
        Map<String, String> names = new HashMap<>();
        api.people().people(shifts.stream().map(Entry::userId).distinct().toList())
                .forEach(p -> names.put(p.id(), p.name()));
        String url = api.json().refs().htmlUrl("schedules", s.id());
        ICalWriter cal = new ICalWriter("On call: " + s.schedule().name(), now);
        for (Entry e : shifts) {
            String who = names.getOrDefault(e.userId(), e.userId());
            cal.event(uid(s.id(), e), e.start(), e.end(), "On call: " + who,
                    who + " is on call for " + s.schedule().name(), url);
        }
        return cal.finish();
    }

    private String userFeed(String userId, Instant now, Instant since, Instant until) {
        Person person = api.people().person(userId).orElseThrow(() -> ApiProblem.notFound("No such calendar feed"));
        ICalWriter cal = new ICalWriter("On call: " + person.name(), now);
        for (StoredSchedule s : api.schedules().schedulesWith(userId)) {
            String url = api.json().refs().htmlUrl("schedules", s.id());
            for (Entry e : shifts(s, since, until)) {
                if (e.userId().equals(userId)) {
                    cal.event(uid(s.id(), e), e.start(), e.end(), "On call: " + s.schedule().name(),
                            person.name() + " is on call for " + s.schedule().name(), url);
                }
            }
        }
        return cal.finish();
    }

    /** The final schedule's entries that overlap {@code [since, until)}, as long as the margin lets them be. */
    private List<Entry> shifts(StoredSchedule s, Instant since, Instant until) {
        Instant from = since.minus(MARGIN);
        Instant to = until.plus(MARGIN);
        Schedule schedule = s.schedule().withOverrides(api.schedules().overrides(s.id(), from, to));
        return ScheduleJson.overlapping(ScheduleRenderer.render(schedule, from, to).finalSchedule(), since, until);
    }

    private static String uid(String scheduleId, Entry e) {
        return scheduleId + "-" + e.userId() + "-" + e.start().getEpochSecond() + "@tocsin";
    }
}
