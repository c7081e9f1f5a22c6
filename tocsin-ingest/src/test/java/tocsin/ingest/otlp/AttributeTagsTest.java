package tocsin.ingest.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tocsin.ingest.otlp.OtlpRequests.attr;

class AttributeTagsTest {

    private static List<String> resource(KeyValue... attributes) {
        return AttributeTags.resource(List.of(attributes)).stream().map(AttributeTags.Tag::text).toList();
    }

    private static AnyValue integer(long v) {
        return AnyValue.newBuilder().setIntValue(v).build();
    }

    @Test
    void everyResourceAttributeIsATagAndDatadogsKeysAreAddedBesideThem() {
        assertThat(resource(attr("service.name", "checkout"), attr("service.version", "1.4.2"),
                attr("deployment.environment", "staging"), attr("k8s.pod.name", "web-7d9f"),
                attr("k8s.cluster.name", "eu1"), attr("container.id", "abc123"), attr("cloud.availability_zone", "b"),
                attr("app.kubernetes.io/part-of", "shop"), attr("datadog.container.tag.team", "pay"),
                attr("datadog.container.tag.", "x"), attr("telemetry.sdk.language", "java")))
                .containsExactly("service.name:checkout", "service:checkout", "service.version:1.4.2",
                        "version:1.4.2", "deployment.environment:staging", "env:staging", "k8s.pod.name:web-7d9f",
                        "pod_name:web-7d9f", "k8s.cluster.name:eu1", "kube_cluster_name:eu1", "container.id:abc123",
                        "container_id:abc123", "cloud.availability_zone:b", "zone:b",
                        "app.kubernetes.io/part-of:shop", "kube_app_part_of:shop", "datadog.container.tag.team:pay",
                        "team:pay", "datadog.container.tag.:x", "telemetry.sdk.language:java");
    }

    @Test
    void onlyNonEmptyStringValuesAreMappedAndTheNewEnvironmentKeyWins() {
        assertThat(resource(attr("service.name", integer(7)), attr("service.version", ""),
                attr("deployment.environment", "old"), attr("deployment.environment.name", "prod")))
                .containsExactly("service.name:7", "service.version:n/a", "deployment.environment:old",
                        "deployment.environment.name:prod", "env:prod");
    }

    @Test
    void theHostTagComesFromTheFirstHostAttributeThatNamesAHost() {
        assertThat(resource(attr("host.name", "web-1"), attr("datadog.host.name", "custom")))
                .contains("host:custom").doesNotContain("host:web-1");
        assertThat(resource(attr("host.name", "web-1"))).contains("host:web-1");
        assertThat(resource(attr("host.name", "localhost"))).containsExactly("host.name:localhost");
        assertThat(resource(attr("host", "h"), attr("host.name", "web-1"))).containsExactly("host:h",
                "host.name:web-1");
    }

    @Test
    void processAttributesAreTaggedAsDatadogTagsThem() {
        assertThat(resource(attr("process.pid", integer(4242)), attr("process.command_line", "java -jar app.jar"),
                attr("process.executable.path", "/opt/java/bin/java"), attr("process.owner", "app"),
                attr("process.command_args", AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                        .addValues(AnyValue.newBuilder().setStringValue("java"))).build()),
                attr("process.runtime.version", "21.0.2")))
                .containsExactly("process.executable.path:/opt/java/bin/java", "process.runtime.version:21.0.2");
        assertThat(resource(attr("process.command_line", "java -jar app.jar")))
                .containsExactly("process.command_line:java -jar app.jar");
    }

    @Test
    void valuesAreWrittenAsTheCollectorWritesThem() {
        assertThat(AttributeTags.valueText(AnyValue.newBuilder().setBoolValue(false).build())).isEqualTo("false");
        assertThat(AttributeTags.valueText(integer(-12))).isEqualTo("-12");
        assertThat(AttributeTags.valueText(AnyValue.newBuilder().setDoubleValue(2.0).build())).isEqualTo("2");
        assertThat(AttributeTags.valueText(AnyValue.newBuilder()
                .setBytesValue(ByteString.copyFrom(new byte[]{(byte) 0xde, (byte) 0xad})).build())).isEqualTo("3q0=");
        AnyValue nested = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                .addValues(attr("z", "<1>\u2028")).addValues(attr("a", AnyValue.newBuilder().setArrayValue(
                        ArrayValue.newBuilder().addValues(integer(1)).addValues(AnyValue.newBuilder()
                                .setDoubleValue(0.5)).addValues(AnyValue.getDefaultInstance())).build()))).build();
        assertThat(AttributeTags.valueText(nested))
                .isEqualToIgnoringCase("{\"a\":[1,0.5,null],\"z\":\"\\u003c1\\u003e\\u2028\"}");
        assertThat(AttributeTags.tag("k", AnyValue.getDefaultInstance())).isEqualTo("k:n/a");
    }

    @Test
    void theScopeGivesDatadogsTwoTags() {
        assertThat(AttributeTags.scope(InstrumentationScope.newBuilder().setName("io.grpc").setVersion("1.2")
                .build())).extracting(AttributeTags.Tag::text)
                .containsExactly("instrumentation_scope:io.grpc", "instrumentation_scope_version:1.2");
    }
}
