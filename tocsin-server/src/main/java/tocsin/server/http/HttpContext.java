package tocsin.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the HTTP plumbing shares across routes. Immutable; thread-safe.
 *
 * @param json           the JSON mapper (thread-safe once configured)
 * @param bodyReader     bounded, decoding body reader
 * @param maxBodyBytes   the server-wide limit on decoded request bodies
 * @param publicUrl      where people reach this server, for links
 */
public record HttpContext(ObjectMapper json, BodyReader bodyReader, long maxBodyBytes, String publicUrl) {
}
