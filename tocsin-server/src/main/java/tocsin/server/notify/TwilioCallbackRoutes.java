package tocsin.server.notify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import tocsin.notify.Target;
import tocsin.notify.dispatch.Linker;
import tocsin.notify.http.FormBody;
import tocsin.notify.twilio.SmsReply;
import tocsin.notify.twilio.TwilioSignature;
import tocsin.notify.twilio.Twiml;
import tocsin.oncall.directory.ContactMethod;
import tocsin.oncall.directory.PeopleStore;
import tocsin.oncall.paging.Incident;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

/**
 * Twilio's callbacks: replies to SMS pages ({@value Twiml#SMS_CALLBACK_PATH}, the number's Messaging webhook) and
 * keypresses during phone pages ({@value Twiml#VOICE_CALLBACK_PATH}, the {@code <Gather action>} of the call's TwiML).
 * Both are public routes whose proof is {@code X-Twilio-Signature}, checked with the auth token against the URL
 * Twilio requested: the public URL ({@code --public-url}) and the request's path and query. A missing or wrong
 * signature gets 403 and changes nothing; everything else is answered in TwiML, so the person hears or reads why.
 *
 * <p><b>Who and which incident.</b> An SMS is from the phone number in {@code From}: the people whose SMS or phone
 * contact method has that number. The reply names the incident by number ({@code 4 42}, as every SMS page prints);
 * Tocsin acts only if that incident was paged to one of those people or is assigned to them. A bare {@code 4} means
 * the one incident assigned to them that it can apply to (triggered, or also acknowledged for a resolve); when there
 * are several, the answer lists their numbers and nothing changes. A keypress carries the incident and the called
 * user in the action URL, which Tocsin wrote into the call's TwiML and Twilio's signature covers.
 *
 * <p>Twilio signatures have no timestamp, so a captured callback can be replayed; acting is idempotent, and a replay
 * only gets "already acknowledged". Thread-safe.
 */
public final class TwilioCallbackRoutes {
    static final String SMS_CHANNEL = "sms";
    static final String PHONE_CHANNEL = "phone";
    /** Larger than any real SMS or Gather callback (a few hundred bytes to a few kilobytes). */
    static final int MAX_BODY = 16 * 1024;
    private static final String TWIML = "text/xml; charset=utf-8";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_LISTED = 5;

    private final Optional<TwilioSignature> signature;
    private final IncidentActions actions;
    private final PeopleStore people;
    private final Supplier<Optional<Linker>> linker;
    private final Supplier<String> publicUrl;
    private final CallbackMetrics metrics;

    /** @param authToken Twilio's auth token; empty when Twilio is not configured (the routes then answer 404) */
    public TwilioCallbackRoutes(Optional<String> authToken, IncidentActions actions, PeopleStore people,
                                Supplier<Optional<Linker>> linker, Supplier<String> publicUrl,
                                CallbackMetrics metrics) {
        this.signature = authToken.map(TwilioSignature::new);
        this.actions = actions;
        this.people = people;
        this.linker = linker;
        this.publicUrl = publicUrl;
        this.metrics = metrics;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.TOCSIN)
                .post(Twiml.SMS_CALLBACK_PATH, Access.PUBLIC, MAX_BODY, this::sms)
                .post(Twiml.VOICE_CALLBACK_PATH, Access.PUBLIC, MAX_BODY, this::voice);
    }

    private void sms(Exchange ex) {
        Map<String, List<String>> form = verified(ex, "twilio_sms");
        String from = FormBody.first(form, "From");
        if (from == null || from.isBlank()) {
            metrics.count("twilio_sms", "invalid");
            throw ApiProblem.invalidField("From", "required: the sender's phone number");
        }
        Optional<SmsReply> reply = SmsReply.parse(FormBody.first(form, "Body"));
        if (reply.isEmpty()) {
            answer(ex, "twilio_sms", "help", Twiml.message(SmsReply.help()));
            return;
        }
        Set<String> senders = new LinkedHashSet<>();
        for (ContactMethod m : people.phoneContactMethods(from.strip())) {
            senders.add(m.userId());
        }
        if (senders.isEmpty()) {
            answer(ex, "twilio_sms", "unknown_user", Twiml.message("Tocsin: this number is not a contact method of "
                    + "any Tocsin user, so replies from it cannot act. Add it to your profile as an SMS contact "
                    + "method."));
            return;
        }
        IncidentActions.Action action = reply.get().action() == SmsReply.Action.ACKNOWLEDGE
                ? IncidentActions.Action.ACKNOWLEDGE : IncidentActions.Action.RESOLVE;
        Incident incident;
        String user;
        if (reply.get().incidentNumber().isPresent()) {
            long number = reply.get().incidentNumber().getAsLong();
            Optional<Incident> named = actions.incident(Long.toString(number));
            Optional<String> paged = named.flatMap(i -> actions.pagedUser(i, senders));
            if (paged.isEmpty()) {
                answer(ex, "twilio_sms", "unknown_incident", Twiml.message("Tocsin: incident #" + number + " was not "
                        + "paged to this number. Nothing was changed."));
                return;
            }
            incident = named.get();
            user = paged.get();
        } else {
            List<Incident> open = actions.assignedOpen(senders, action, MAX_LISTED + 1);
            if (open.size() != 1) {
                answer(ex, "twilio_sms", open.isEmpty() ? "unknown_incident" : "ambiguous",
                        Twiml.message(open.isEmpty() ? "Tocsin: no open incident assigned to you to "
                                + (action == IncidentActions.Action.ACKNOWLEDGE ? "acknowledge" : "resolve")
                                + ". Nothing was changed." : listing(open, action)));
                return;
            }
            incident = open.getFirst();
            user = incident.assignees().stream().filter(senders::contains).findFirst().orElseThrow();
        }
        IncidentActions.Result r = actions.act(incident.id(), user, action, SMS_CHANNEL);
        answer(ex, "twilio_sms", r.outcome() == IncidentActions.Outcome.DONE ? "acted" : "already",
                Twiml.message("Tocsin: incident #" + incident.number() + " " + outcome(r, action) + "."));
    }

    private static String listing(List<Incident> open, IncidentActions.Action action) {
        List<String> numbers = new ArrayList<>();
        for (Incident i : open.subList(0, Math.min(open.size(), MAX_LISTED))) {
            numbers.add("#" + i.number());
        }
        String more = open.size() > MAX_LISTED ? " and more" : "";
        String code = action == IncidentActions.Action.ACKNOWLEDGE ? "4" : "6";
        return "Tocsin: you have several open incidents (" + String.join(", ", numbers) + more + "). Reply " + code
                + " <number>, e.g. " + code + " " + open.getFirst().number() + ". Nothing was changed.";
    }

    private void voice(Exchange ex) {
        Map<String, List<String>> form = verified(ex, "twilio_voice");
        String incidentId = ex.query("incident").orElse("");
        String userId = ex.query("user").orElse("");
        if (!ID.matcher(incidentId).matches() || !ID.matcher(userId).matches()) {
            metrics.count("twilio_voice", "invalid");
            throw ApiProblem.badRequest("incident and user query parameters are required",
                    List.of("query: incident and user must be Tocsin ids"));
        }
        Optional<Incident> incident = actions.incident(incidentId);
        if (incident.isEmpty()) {
            answer(ex, "twilio_voice", "unknown_incident", Twiml.sayAndHangUp("This incident no longer exists in "
                    + "Tocsin. Goodbye."));
            return;
        }
        Twiml.Keypress key = Twiml.Keypress.of(FormBody.first(form, "Digits"));
        if (key == Twiml.Keypress.REPEAT || key == Twiml.Keypress.UNKNOWN) {
            Optional<Linker> links = linker.get();
            String to = Optional.ofNullable(FormBody.first(form, "To")).filter(s -> !s.isBlank()).orElse("unknown");
            answer(ex, "twilio_voice", "help", links.isEmpty() ? Twiml.sayAndHangUp("Tocsin is starting. Goodbye.")
                    : Twiml.call(actions.describe(incident.get(), userId, Target.of(Target.Kind.VOICE, to),
                    links.get())));
            return;
        }
        IncidentActions.Action action = key == Twiml.Keypress.ACKNOWLEDGE ? IncidentActions.Action.ACKNOWLEDGE
                : IncidentActions.Action.RESOLVE;
        IncidentActions.Result r = actions.act(incident.get().id(), userId, action, PHONE_CHANNEL);
        answer(ex, "twilio_voice", r.outcome() == IncidentActions.Outcome.DONE ? "acted" : "already",
                r.outcome() == IncidentActions.Outcome.DONE ? Twiml.outcome(actions.snapshot(r.incident()), key)
                        : Twiml.sayAndHangUp("Incident number " + r.incident().number() + " " + outcome(r, action)
                        + ". Goodbye."));
    }

    static String outcome(IncidentActions.Result r, IncidentActions.Action action) {
        return switch (r.outcome()) {
            case DONE -> action.pastTense();
            case ALREADY_ACKNOWLEDGED -> "was already acknowledged";
            case ALREADY_RESOLVED -> "was already resolved";
        };
    }

    /** The form parameters of a request Twilio signed; otherwise a 403 (404 when Twilio is not configured). */
    private Map<String, List<String>> verified(Exchange ex, String provider) {
        if (signature.isEmpty()) {
            throw ApiProblem.notFound("Twilio callbacks need notify.twilio in the configuration file");
        }
        String body = new String(ex.body(), StandardCharsets.UTF_8);
        Map<String, List<String>> form;
        try {
            form = FormBody.parse(body);
        } catch (IllegalArgumentException e) {
            metrics.count(provider, "invalid");
            throw ApiProblem.badRequest("Malformed form body", List.of(e.getMessage()));
        }
        String query = ex.request().query().rawValue();
        String url = base() + ex.request().path().rawPath() + (query == null || query.isEmpty() ? "" : "?" + query);
        if (!signature.get().verify(url, form, ex.header(TwilioSignature.HEADER).orElse(null))) {
            metrics.count(provider, "forged");
            throw ApiProblem.forbidden(TwilioSignature.HEADER + " is missing or does not match this request (Tocsin "
                    + "checks it against " + url + "; set --public-url to the address Twilio calls)");
        }
        return form;
    }

    private void answer(Exchange ex, String provider, String outcome, String twiml) {
        metrics.count(provider, outcome);
        ex.response().header(io.helidon.http.HeaderNames.CACHE_CONTROL, "no-store");
        ex.text(200, TWIML, twiml);
    }

    private String base() {
        String b = publicUrl.get();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }
}
