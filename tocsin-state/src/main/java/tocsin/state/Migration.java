package tocsin.state;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One schema migration as shipped in this binary: the script chosen for the running dialect. Immutable.
 *
 * @param version     the number in the file name ({@code V001__access.sql} is 1)
 * @param description the rest of the file name, underscores as spaces
 * @param resource    the class-path resource the script was read from
 * @param script      the SQL text
 * @param checksum    SHA-256 (hex) of the script with line endings normalised, so a checkout with CRLF endings
 *                    matches one with LF
 */
record Migration(int version, String description, String resource, String script, String checksum) {

    private static final Pattern FILE_NAME = Pattern.compile("V(\\d{3,})__([A-Za-z0-9_]+)\\.sql");

    /**
     * Loads migration {@code fileName} for {@code dialect}: {@code <root>/<dialect>/<fileName>} when present, else
     * {@code <root>/<fileName>}.
     */
    static Migration load(ClassLoader loader, String root, String fileName, Dialect dialect) {
        Matcher m = FILE_NAME.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalStateException("migration file name '" + fileName + "' in " + root
                    + " does not match V<number>__<description>.sql");
        }
        String specific = root + "/" + dialect.folderName() + "/" + fileName;
        String common = root + "/" + fileName;
        String resource = loader.getResource(specific) != null ? specific : common;
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration " + fileName + " is listed but neither " + specific
                        + " nor " + common + " is on the class path");
            }
            String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), resource, script,
                    checksum(script));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + resource, e);
        }
    }

    static String checksum(String script) {
        try {
            byte[] normalised = script.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(normalised));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
