package tocsin.server.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses {@code HOST:PORT} flags ({@code [::1]:8080} for IPv6, {@code off} where a listener is optional). */
final class Addresses {
    private Addresses() {
    }

    /**
     * @param flag     the flag name, for the error message
     * @param value    the value given
     * @param allowOff whether {@code off} is accepted (returns null)
     * @throws IllegalArgumentException with a message naming the flag and what is wrong
     */
    static InetSocketAddress parse(String flag, String value, boolean allowOff) {
        String v = value == null ? "" : value.trim();
        if (allowOff && v.equalsIgnoreCase("off")) {
            return null;
        }
        String host;
        String port;
        if (v.startsWith("[")) {
            int close = v.indexOf(']');
            if (close < 0 || close + 1 >= v.length() || v.charAt(close + 1) != ':') {
                throw bad(flag, value, allowOff);
            }
            host = v.substring(1, close);
            port = v.substring(close + 2);
        } else {
            int colon = v.lastIndexOf(':');
            if (colon <= 0 || v.indexOf(':') != colon) {
                throw bad(flag, value, allowOff);
            }
            host = v.substring(0, colon);
            port = v.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": port '" + port + "' is not a number");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException(flag + ": port " + p + " is outside 0-65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(flag + ": unknown host '" + host + "'");
        }
    }

    private static IllegalArgumentException bad(String flag, String value, boolean allowOff) {
        return new IllegalArgumentException(flag + ": expected HOST:PORT" + (allowOff ? " or off" : "")
                + " (e.g. 127.0.0.1:8080 or [::1]:8080), got '" + value + "'");
    }
}
