package tocsin.tsdb;

import java.util.concurrent.ThreadLocalRandom;

/** The seed of a randomised test: {@code -Dtests.seed=0x...} to replay one, else a fresh one, printed either way. */
final class Seeds {
    private Seeds() {
    }

    static long seed(String test) {
        String given = System.getProperty("tests.seed");
        long seed;
        if (given == null || given.isBlank()) {
            seed = ThreadLocalRandom.current().nextLong();
        } else if (given.startsWith("0x")) {
            seed = Long.parseUnsignedLong(given.substring(2), 16);
        } else {
            seed = Long.parseLong(given);
        }
        System.out.println(test + " seed: -Dtests.seed=" + hex(seed));
        return seed;
    }

    static String hex(long seed) {
        return "0x" + Long.toHexString(seed);
    }
}
