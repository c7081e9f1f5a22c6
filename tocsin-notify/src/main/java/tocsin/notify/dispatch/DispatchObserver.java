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

    /**
     * One handoff notification attempt ended ({@code outcome} as for {@link #attempt}), or a person going on or off
     * call had no contact method for it ({@code channel} {@code none}, {@code outcome} {@code unreachable}).
     */
    default void handoff(String channel, String outcome) {
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
