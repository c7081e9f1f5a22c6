package tocsin.server.http;

import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Tells Helidon that it may accept bodies in these content codings and hand them over untouched. Decoding happens in
 * {@link BodyReader}, which knows each route's limit and applies it to the decoded size; Helidon's own decoders
 * would inflate without such a bound. Responses are not compressed by this encoding. Immutable.
 */
public final class PassThroughEncoding implements ContentEncoding {
    private final Set<String> ids;

    public PassThroughEncoding(Set<String> codings) {
        Set<String> all = new HashSet<>();
        for (String c : codings) {
            all.add(c);
            all.add(c.toUpperCase(Locale.ROOT));
        }
        all.add("identity");
        this.ids = Set.copyOf(all);
    }

    @Override
    public Set<String> ids() {
        return ids;
    }

    @Override
    public boolean supportsEncoding() {
        return false;
    }

    @Override
    public boolean supportsDecoding() {
        return true;
    }

    @Override
    public ContentDecoder decoder() {
        return ContentDecoder.NO_OP;
    }

    @Override
    public ContentEncoder encoder() {
        return ContentEncoder.NO_OP;
    }

    @Override
    public String name() {
        return "tocsin-pass-through";
    }

    @Override
    public String type() {
        return "tocsin-pass-through";
    }
}
