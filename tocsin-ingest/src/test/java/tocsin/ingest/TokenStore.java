package tocsin.ingest;

import tocsin.core.metric.SeriesHints;
import tocsin.core.metric.SeriesKey;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A store of keys whose hints are tokens that can be invalidated, as a head drops idle series. */
public final class TokenStore implements SeriesHints {
    public final Map<SeriesKey, SeriesKey> keys = new ConcurrentHashMap<>();
    public final Map<SeriesKey, Object> tokens = new ConcurrentHashMap<>();
    public final Set<Object> dropped = ConcurrentHashMap.newKeySet();
    public final Map<Object, SeriesKey> keyOfToken = new ConcurrentHashMap<>();

    /** The store admits {@code key} (its own instance) under a new token, which it returns. */
    public Object admit(SeriesKey key) {
        Object token = new Object();
        keys.put(key, key);
        tokens.put(key, token);
        keyOfToken.put(token, key);
        return token;
    }

    @Override
    public Object hint(SeriesKey key) {
        return tokens.get(key);
    }

    @Override
    public SeriesKey key(Object hint) {
        return keyOfToken.get(hint);
    }

    @Override
    public boolean valid(Object hint) {
        return !dropped.contains(hint);
    }
}
