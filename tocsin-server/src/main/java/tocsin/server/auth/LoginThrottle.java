package tocsin.server.auth;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after {@code maxFailures} failed logins for one account within {@code window},
 * further attempts for that account are refused until the oldest failure leaves the window. Counting per account
 * (not per address) also stops guessing spread over many addresses; the cost is that an attacker can lock a known
 * account out for one window, which is the usual trade (and API keys keep working). A success clears the count.
 *
 * <p>In memory, per node; bounded: the table is cleared when it grows past {@value #MAX_ACCOUNTS} accounts.
 * Thread-safe.
 */
public final class LoginThrottle {
    static final int MAX_ACCOUNTS = 100_000;
    private final int maxFailures;
    private final Duration window;
    private final InstantSource clock;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public LoginThrottle(int maxFailures, Duration window, InstantSource clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = clock;
    }

    /** Seconds until this account may try again, or 0 when it may try now. */
    public long retryAfterSeconds(String account) {
        Deque<Long> f = failures.get(key(account));
        if (f == null) {
            return 0;
        }
        synchronized (f) {
            long now = clock.millis();
            expire(f, now);
            if (f.size() < maxFailures) {
                return 0;
            }
            return Math.max(1, (f.peekFirst() + window.toMillis() - now + 999) / 1000);
        }
    }

    public void failed(String account) {
        if (failures.size() >= MAX_ACCOUNTS) {
            failures.clear();
        }
        Deque<Long> f = failures.computeIfAbsent(key(account), k -> new ArrayDeque<>());
        synchronized (f) {
            long now = clock.millis();
            expire(f, now);
            f.addLast(now);
            while (f.size() > maxFailures) {
                f.removeFirst();
            }
        }
    }

    public void succeeded(String account) {
        failures.remove(key(account));
    }

    private void expire(Deque<Long> f, long now) {
        while (!f.isEmpty() && f.peekFirst() + window.toMillis() <= now) {
            f.removeFirst();
        }
    }

    private static String key(String account) {
        return account.trim().toLowerCase(Locale.ROOT);
    }
}
