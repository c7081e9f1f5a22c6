package tocsin.oncall;

/**
 * The on-call module cannot do what it was asked as asked. Each subclass says what to do next:
 * {@link InvalidScheduleException}: the input is wrong; correct the fields it names (an HTTP layer answers 400 in
 * PagerDuty's error shape, one line per problem).
 */
public sealed class OncallException extends RuntimeException permits InvalidScheduleException {

    OncallException(String message) {
        super(message);
    }
}
