package tocsin.ingest.otlp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;

import tocsin.ingest.JsonParsing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns OTLP attributes into Datadog tags, the way Datadog's own OTLP mapping does (opentelemetry-mapping-go,
 * {@code pkg/otlp/attributes}; Datadog's "OpenTelemetry Semantic Conventions and Datadog Conventions" page).
 *
 * <p>An attribute becomes {@code key:value}, its value written as the Collector's {@code AsString()} writes it
 * (arrays and maps as JSON, bytes as base64) and {@code n/a} when empty, as Datadog's {@code FormatKeyValueTag}
 * does, since a tag cannot end in a colon. Resource attributes additionally get the Datadog tag they map to, see
 * {@link #DATADOG_KEYS}. Tags are not normalised here; the {@link tocsin.ingest.SeriesKeyBuilder} does that.
 *
 * <p>Thread-safe (stateless).
 */
final class AttributeTags {
    /** Where a tag came from, for the rejection that names it. */
    record Tag(String text, String field, int index) {
    }

    /**
     * Resource attributes (string values only, as Datadog) that also give a tag under Datadog's name: unified
     * service tagging, containers, cloud, ECS, Kubernetes and the Kubernetes recommended labels.
     */
    static final Map<String, String> DATADOG_KEYS = Map.ofEntries(
            Map.entry("service.name", "service"),
            Map.entry("service.version", "version"),
            Map.entry("deployment.environment.name", "env"),
            Map.entry("deployment.environment", "env"),
            Map.entry("container.id", "container_id"),
            Map.entry("container.name", "container_name"),
            Map.entry("container.image.name", "image_name"),
            Map.entry("container.image.tag", "image_tag"),
            Map.entry("container.runtime", "runtime"),
            Map.entry("cloud.provider", "cloud_provider"),
            Map.entry("cloud.region", "region"),
            Map.entry("cloud.availability_zone", "zone"),
            Map.entry("aws.ecs.task.family", "task_family"),
            Map.entry("aws.ecs.task.arn", "task_arn"),
            Map.entry("aws.ecs.cluster.arn", "ecs_cluster_name"),
            Map.entry("aws.ecs.task.revision", "task_version"),
            Map.entry("aws.ecs.container.arn", "ecs_container_name"),
            Map.entry("k8s.container.name", "kube_container_name"),
            Map.entry("k8s.cluster.name", "kube_cluster_name"),
            Map.entry("k8s.deployment.name", "kube_deployment"),
            Map.entry("k8s.replicaset.name", "kube_replica_set"),
            Map.entry("k8s.statefulset.name", "kube_stateful_set"),
            Map.entry("k8s.daemonset.name", "kube_daemon_set"),
            Map.entry("k8s.job.name", "kube_job"),
            Map.entry("k8s.cronjob.name", "kube_cronjob"),
            Map.entry("k8s.namespace.name", "kube_namespace"),
            Map.entry("k8s.pod.name", "pod_name"),
            Map.entry("tags.datadoghq.com/env", "env"),
            Map.entry("tags.datadoghq.com/service", "service"),
            Map.entry("tags.datadoghq.com/version", "version"),
            Map.entry("app.kubernetes.io/name", "kube_app_name"),
            Map.entry("app.kubernetes.io/instance", "kube_app_instance"),
            Map.entry("app.kubernetes.io/version", "kube_app_version"),
            Map.entry("app.kubernetes.io/component", "kube_app_component"),
            Map.entry("app.kubernetes.io/part-of", "kube_app_part_of"),
            Map.entry("app.kubernetes.io/managed-by", "kube_app_managed_by"));

    /** {@code datadog.container.tag.<key>} gives the tag {@code <key>:<value>}. */
    static final String CUSTOM_TAG_PREFIX = "datadog.container.tag.";

    /** Where the host tag comes from, first present wins (Datadog's order, less its cloud- and k8s-specific rules). */
    static final List<String> HOST_KEYS = List.of("host", "datadog.host.name", "host.name");

    /** Host names that name no host; Datadog ignores them too. */
    private static final Set<String> LOCAL_HOSTS = Set.of("0.0.0.0", "127.0.0.1", "localhost",
            "localhost.localdomain", "localhost6.localdomain6", "ip6-localhost");

    /**
     * Process attributes; like Datadog, only the first present becomes a tag, so that a Java process is identified
     * by its executable rather than by its (long, per-deployment) command line.
     */
    static final List<String> PROCESS_IDENTITY = List.of("process.executable.name", "process.executable.path",
            "process.command", "process.command_line");

    /** Resource attributes that name one run of a process rather than a service; Datadog never tags them. */
    static final Set<String> NOT_TAGGED = Set.of("process.pid", "process.parent_pid", "process.owner",
            "process.command_args");

    private AttributeTags() {
    }

    /** The tags a resource gives every data point under it. */
    static List<Tag> resource(List<KeyValue> attributes) {
        String process = firstString(attributes, PROCESS_IDENTITY);
        boolean hasEnvName = stringValue(attributes, "deployment.environment.name") != null;
        List<Tag> tags = new ArrayList<>(attributes.size() + 4);
        for (int i = 0; i < attributes.size(); i++) {
            KeyValue kv = attributes.get(i);
            String key = kv.getKey();
            if (key.isEmpty() || NOT_TAGGED.contains(key)
                    || (PROCESS_IDENTITY.contains(key) && !key.equals(process))) {
                continue;
            }
            tags.add(new Tag(tag(key, kv.getValue()), "resource.attributes", i));
            String v = kv.getValue().getValueCase() == AnyValue.ValueCase.STRING_VALUE
                    ? kv.getValue().getStringValue() : "";
            if (v.isEmpty() || (hasEnvName && key.equals("deployment.environment"))) {
                continue;
            }
            String datadogKey = DATADOG_KEYS.get(key);
            if (datadogKey == null && key.startsWith(CUSTOM_TAG_PREFIX) && key.length() > CUSTOM_TAG_PREFIX.length()) {
                datadogKey = key.substring(CUSTOM_TAG_PREFIX.length());
            }
            if (datadogKey != null) {
                tags.add(new Tag(datadogKey + ":" + v, "resource.attributes", i));
            }
        }
        for (String hostKey : HOST_KEYS) {
            int i = indexOf(attributes, hostKey);
            if (i >= 0) {
                String host = valueText(attributes.get(i).getValue());
                // a literal "host" attribute is already the tag
                if (!hostKey.equals("host") && !host.isEmpty() && !LOCAL_HOSTS.contains(host)) {
                    tags.add(new Tag("host:" + host, "resource.attributes", i));
                }
                break;
            }
        }
        return tags;
    }

    /**
     * Datadog's {@code instrumentation_scope} and {@code instrumentation_scope_version} tags; the scope's own
     * attributes are not tags.
     */
    static List<Tag> scope(InstrumentationScope scope) {
        return List.of(
                new Tag("instrumentation_scope:" + orNa(scope.getName()), "scope.name", -1),
                new Tag("instrumentation_scope_version:" + orNa(scope.getVersion()), "scope.version", -1));
    }

    /** {@code key:value}, {@code key:n/a} for an empty value. */
    static String tag(String key, AnyValue value) {
        return key + ":" + orNa(valueText(value));
    }

    private static String orNa(String v) {
        return v.isEmpty() ? "n/a" : v;
    }

    /** An attribute value as the Collector's {@code pcommon.Value.AsString()} writes it. */
    static String valueText(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue() ? "true" : "false";
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> FloatText.attribute(v.getDoubleValue());
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case ARRAY_VALUE, KVLIST_VALUE -> json(v);
            default -> "";
        };
    }

    /**
     * Go's JSON encoder, which writes the Collector's nested values, also escapes {@code <}, {@code >}, {@code &},
     * U+2028 and U+2029. (Hex digits differ in case from Go's, which tag normalisation evens out.)
     */
    private static final CharacterEscapes GO_JSON_ESCAPES = new CharacterEscapes() {
        private final int[] ascii = standardAsciiEscapesForJSON();

        {
            ascii['<'] = ESCAPE_STANDARD;
            ascii['>'] = ESCAPE_STANDARD;
            ascii['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == 0x2028 || ch == 0x2029 ? new SerializedString("\\u" + Integer.toHexString(ch)) : null;
        }
    };

    /** An array or map value as JSON, maps with sorted keys, as Go's encoder writes a {@code map[string]any}. */
    private static String json(AnyValue v) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JsonParsing.FACTORY.createGenerator(out)) {
            g.setCharacterEscapes(GO_JSON_ESCAPES);
            json(v, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void json(AnyValue v, JsonGenerator g) throws IOException {
        switch (v.getValueCase()) {
            case STRING_VALUE, BYTES_VALUE -> g.writeString(valueText(v));
            case BOOL_VALUE -> g.writeBoolean(v.getBoolValue());
            case INT_VALUE -> g.writeNumber(v.getIntValue());
            case DOUBLE_VALUE -> {
                if (Double.isFinite(v.getDoubleValue())) {
                    g.writeRawValue(valueText(v));
                } else {
                    g.writeString(valueText(v));
                }
            }
            case ARRAY_VALUE -> {
                g.writeStartArray();
                for (AnyValue element : v.getArrayValue().getValuesList()) {
                    json(element, g);
                }
                g.writeEndArray();
            }
            case KVLIST_VALUE -> {
                Map<String, AnyValue> sorted = new TreeMap<>();
                for (KeyValue kv : v.getKvlistValue().getValuesList()) {
                    sorted.put(kv.getKey(), kv.getValue());
                }
                g.writeStartObject();
                for (Map.Entry<String, AnyValue> e : sorted.entrySet()) {
                    g.writeFieldName(e.getKey());
                    json(e.getValue(), g);
                }
                g.writeEndObject();
            }
            default -> g.writeNull();
        }
    }

    private static int indexOf(List<KeyValue> attributes, String key) {
        for (int i = 0; i < attributes.size(); i++) {
            if (attributes.get(i).getKey().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private static String stringValue(List<KeyValue> attributes, String key) {
        int i = indexOf(attributes, key);
        if (i < 0 || attributes.get(i).getValue().getValueCase() != AnyValue.ValueCase.STRING_VALUE) {
            return null;
        }
        String v = attributes.get(i).getValue().getStringValue();
        return v.isEmpty() ? null : v;
    }

    private static String firstString(List<KeyValue> attributes, List<String> keys) {
        for (String k : keys) {
            if (stringValue(attributes, k) != null) {
                return k;
            }
        }
        return null;
    }
}
