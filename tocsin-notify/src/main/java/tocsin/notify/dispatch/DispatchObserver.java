package tocsin.notify.dispatch;

/**
 * What the dispatcher reports for metrics. Implementations must be thread-safe and must not block.
 */
public interface DispatchObserver {

    /**
     * One attempt ended.
     *
     * @param channel the target kind in lower case ({@code email}, {@code sms}, ...), or {@code none}
     * @param outcome {@link DeliveryQueue.Outcome} in lower case
     */
    void attempt(String channel, String outcome);

    /** A delivery was held back for a digest by the rate limit of {@code channel}. */
    default void held(String channel) {
    }

    /**
     * One digest attempt ended.
     *
     * @param deliveries how many held deliveries it carried
     */
    default void digest(String channel, String outcome, int deliveries) {
    }

    /** A person had no notification rule for the urgency: nobody heard of that step through them. */
    void unreachable(String userId);

    DispatchObserver NONE = new DispatchObserver() {
        @Override
        public void attempt(String channel, String outcome) {
        }

        @Override
        public void unreachable(String userId) {
        }
    };
}
