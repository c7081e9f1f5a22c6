package tocsin.ingest;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;

import java.util.List;
import java.util.Map;

/**
 * Encodes Datadog's {@code MetricPayload} and Prometheus' {@code WriteRequest} with protobuf-java's own encoder
 * ({@link DynamicMessage} over descriptors transcribed from DataDog/agent-payload {@code agent_payload.proto} and
 * prometheus {@code prompb/remote.proto} + {@code types.proto}), so that the hand-written decoders are checked
 * against an independent implementation rather than against themselves.
 */
public final class TestProtos {
    private static final Descriptor METRIC_PAYLOAD;
    private static final Descriptor SKETCH_PAYLOAD;
    private static final Descriptor WRITE_REQUEST;

    static {
        try {
            FileDescriptor agent = FileDescriptor.buildFrom(agentPayload(), new FileDescriptor[0]);
            METRIC_PAYLOAD = agent.findMessageTypeByName("MetricPayload");
            SKETCH_PAYLOAD = agent.findMessageTypeByName("SketchPayload");
            WRITE_REQUEST = FileDescriptor.buildFrom(remote(), new FileDescriptor[0])
                    .findMessageTypeByName("WriteRequest");
        } catch (DescriptorValidationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TestProtos() {
    }

    /** One Datadog series; points are {timestamp seconds, value} pairs. */
    public record DdSeries(String metric, int type, List<String> tags, List<String[]> resources,
                           List<long[]> timestamps, List<Double> values, long interval, String unit) {
        public static DdSeries gauge(String metric, long ts, double value, String... tags) {
            return new DdSeries(metric, 3, List.of(tags), List.of(), List.of(new long[]{ts}), List.of(value), 0, "");
        }
    }

    /** One Prometheus series; labels in the order given (use a LinkedHashMap), samples as (ms, value). */
    public record PromSeries(Map<String, String> labels, long[] timestamps, double[] values, int histograms,
                             int exemplars) {
        public static PromSeries of(Map<String, String> labels, long ts, double value) {
            return new PromSeries(labels, new long[]{ts}, new double[]{value}, 0, 0);
        }
    }

    public static byte[] metricPayload(List<DdSeries> series) {
        Descriptor seriesType = METRIC_PAYLOAD.findNestedTypeByName("MetricSeries");
        Descriptor pointType = METRIC_PAYLOAD.findNestedTypeByName("MetricPoint");
        Descriptor resourceType = METRIC_PAYLOAD.findNestedTypeByName("Resource");
        DynamicMessage.Builder payload = DynamicMessage.newBuilder(METRIC_PAYLOAD);
        for (DdSeries s : series) {
            DynamicMessage.Builder b = DynamicMessage.newBuilder(seriesType);
            b.setField(seriesType.findFieldByName("metric"), s.metric());
            b.setField(seriesType.findFieldByName("type"),
                    seriesType.findFieldByName("type").getEnumType().findValueByNumberCreatingIfUnknown(s.type()));
            for (String t : s.tags()) {
                b.addRepeatedField(seriesType.findFieldByName("tags"), t);
            }
            for (String[] r : s.resources()) {
                b.addRepeatedField(seriesType.findFieldByName("resources"), DynamicMessage.newBuilder(resourceType)
                        .setField(resourceType.findFieldByName("type"), r[0])
                        .setField(resourceType.findFieldByName("name"), r[1]).build());
            }
            for (int i = 0; i < s.timestamps().size(); i++) {
                b.addRepeatedField(seriesType.findFieldByName("points"), DynamicMessage.newBuilder(pointType)
                        .setField(pointType.findFieldByName("value"), s.values().get(i))
                        .setField(pointType.findFieldByName("timestamp"), s.timestamps().get(i)[0]).build());
            }
            b.setField(seriesType.findFieldByName("interval"), s.interval());
            b.setField(seriesType.findFieldByName("unit"), s.unit());
            b.setField(seriesType.findFieldByName("source_type_name"), "System");
            b.setField(seriesType.findFieldByName("future_field"), "ignored by the decoder");
            payload.addRepeatedField(METRIC_PAYLOAD.findFieldByName("series"), b.build());
        }
        return payload.build().toByteArray();
    }

    /** One Agent {@code Dogsketch}: keys and counts as the Agent's {@code pkg/quantile} makes them. */
    public record Dogsketch(long ts, long cnt, double min, double max, double sum, List<Integer> k, List<Integer> n) {
    }

    /** One {@code SketchPayload.Sketch}. */
    public record AgentSketch(String metric, String host, List<String> tags, List<Dogsketch> dogsketches,
                              int legacyDistributions) {
    }

    public static byte[] sketchPayload(List<AgentSketch> sketches) {
        Descriptor sketchType = SKETCH_PAYLOAD.findNestedTypeByName("Sketch");
        Descriptor dogType = sketchType.findNestedTypeByName("Dogsketch");
        Descriptor distType = sketchType.findNestedTypeByName("Distribution");
        DynamicMessage.Builder payload = DynamicMessage.newBuilder(SKETCH_PAYLOAD);
        for (AgentSketch s : sketches) {
            DynamicMessage.Builder b = DynamicMessage.newBuilder(sketchType);
            b.setField(sketchType.findFieldByName("metric"), s.metric());
            b.setField(sketchType.findFieldByName("host"), s.host());
            for (String t : s.tags()) {
                b.addRepeatedField(sketchType.findFieldByName("tags"), t);
            }
            for (Dogsketch d : s.dogsketches()) {
                DynamicMessage.Builder dog = DynamicMessage.newBuilder(dogType)
                        .setField(dogType.findFieldByName("ts"), d.ts())
                        .setField(dogType.findFieldByName("cnt"), d.cnt())
                        .setField(dogType.findFieldByName("min"), d.min())
                        .setField(dogType.findFieldByName("max"), d.max())
                        .setField(dogType.findFieldByName("avg"), d.cnt() == 0 ? 0 : d.sum() / d.cnt())
                        .setField(dogType.findFieldByName("sum"), d.sum());
                d.k().forEach(k -> dog.addRepeatedField(dogType.findFieldByName("k"), k));
                d.n().forEach(n -> dog.addRepeatedField(dogType.findFieldByName("n"), n));
                b.addRepeatedField(sketchType.findFieldByName("dogsketches"), dog.build());
            }
            for (int i = 0; i < s.legacyDistributions(); i++) {
                b.addRepeatedField(sketchType.findFieldByName("distributions"), DynamicMessage.newBuilder(distType)
                        .setField(distType.findFieldByName("ts"), 1L).build());
            }
            payload.addRepeatedField(SKETCH_PAYLOAD.findFieldByName("sketches"), b.build());
        }
        return payload.build().toByteArray();
    }

    public static byte[] writeRequest(List<PromSeries> series, Map<String, Integer> metadata) {
        Descriptor tsType = WRITE_REQUEST.getFile().findMessageTypeByName("TimeSeries");
        Descriptor labelType = WRITE_REQUEST.getFile().findMessageTypeByName("Label");
        Descriptor sampleType = WRITE_REQUEST.getFile().findMessageTypeByName("Sample");
        Descriptor histType = WRITE_REQUEST.getFile().findMessageTypeByName("Histogram");
        Descriptor exType = WRITE_REQUEST.getFile().findMessageTypeByName("Exemplar");
        Descriptor mdType = WRITE_REQUEST.getFile().findMessageTypeByName("MetricMetadata");
        DynamicMessage.Builder req = DynamicMessage.newBuilder(WRITE_REQUEST);
        for (PromSeries s : series) {
            DynamicMessage.Builder b = DynamicMessage.newBuilder(tsType);
            s.labels().forEach((k, v) -> b.addRepeatedField(tsType.findFieldByName("labels"),
                    DynamicMessage.newBuilder(labelType).setField(labelType.findFieldByName("name"), k)
                            .setField(labelType.findFieldByName("value"), v).build()));
            for (int i = 0; i < s.timestamps().length; i++) {
                b.addRepeatedField(tsType.findFieldByName("samples"), DynamicMessage.newBuilder(sampleType)
                        .setField(sampleType.findFieldByName("value"), s.values()[i])
                        .setField(sampleType.findFieldByName("timestamp"), s.timestamps()[i]).build());
            }
            for (int i = 0; i < s.histograms(); i++) {
                b.addRepeatedField(tsType.findFieldByName("histograms"), DynamicMessage.newBuilder(histType)
                        .setField(histType.findFieldByName("count_int"), 3L)
                        .setField(histType.findFieldByName("sum"), 1.5)
                        .setField(histType.findFieldByName("timestamp"), 1L).build());
            }
            for (int i = 0; i < s.exemplars(); i++) {
                b.addRepeatedField(tsType.findFieldByName("exemplars"), DynamicMessage.newBuilder(exType)
                        .setField(exType.findFieldByName("value"), 0.25)
                        .setField(exType.findFieldByName("timestamp"), 1L).build());
            }
            req.addRepeatedField(WRITE_REQUEST.findFieldByName("timeseries"), b.build());
        }
        metadata.forEach((family, type) -> req.addRepeatedField(WRITE_REQUEST.findFieldByName("metadata"),
                DynamicMessage.newBuilder(mdType)
                        .setField(mdType.findFieldByName("type"),
                                mdType.findFieldByName("type").getEnumType().findValueByNumber(type))
                        .setField(mdType.findFieldByName("metric_family_name"), family)
                        .setField(mdType.findFieldByName("help"), "help text").build()));
        return req.build().toByteArray();
    }

    private static FileDescriptorProto agentPayload() {
        DescriptorProto point = message("MetricPoint",
                field("value", 1, Type.TYPE_DOUBLE), field("timestamp", 2, Type.TYPE_INT64));
        DescriptorProto resource = message("Resource",
                field("type", 1, Type.TYPE_STRING), field("name", 2, Type.TYPE_STRING));
        DescriptorProto series = message("MetricSeries",
                repeated(ref("resources", 1, ".datadog.agentpayload.MetricPayload.Resource")),
                field("metric", 2, Type.TYPE_STRING),
                repeated(field("tags", 3, Type.TYPE_STRING)),
                repeated(ref("points", 4, ".datadog.agentpayload.MetricPayload.MetricPoint")),
                field("type", 5, Type.TYPE_ENUM).toBuilder()
                        .setTypeName(".datadog.agentpayload.MetricPayload.MetricType").build(),
                field("unit", 6, Type.TYPE_STRING),
                field("source_type_name", 7, Type.TYPE_STRING),
                field("interval", 8, Type.TYPE_INT64),
                field("future_field", 99, Type.TYPE_STRING));
        EnumDescriptorProto metricType = EnumDescriptorProto.newBuilder().setName("MetricType")
                .addValue(value("UNSPECIFIED", 0)).addValue(value("COUNT", 1))
                .addValue(value("RATE", 2)).addValue(value("GAUGE", 3)).build();
        DescriptorProto payload = message("MetricPayload",
                repeated(ref("series", 1, ".datadog.agentpayload.MetricPayload.MetricSeries"))).toBuilder()
                .addNestedType(point).addNestedType(resource).addNestedType(series).addEnumType(metricType).build();
        DescriptorProto distribution = message("Distribution",
                field("ts", 1, Type.TYPE_INT64), field("cnt", 2, Type.TYPE_INT64),
                repeated(field("v", 7, Type.TYPE_DOUBLE)));
        DescriptorProto dogsketch = message("Dogsketch",
                field("ts", 1, Type.TYPE_INT64), field("cnt", 2, Type.TYPE_INT64),
                field("min", 3, Type.TYPE_DOUBLE), field("max", 4, Type.TYPE_DOUBLE),
                field("avg", 5, Type.TYPE_DOUBLE), field("sum", 6, Type.TYPE_DOUBLE),
                repeated(field("k", 7, Type.TYPE_SINT32)), repeated(field("n", 8, Type.TYPE_UINT32)));
        DescriptorProto sketch = message("Sketch",
                field("metric", 1, Type.TYPE_STRING), field("host", 2, Type.TYPE_STRING),
                repeated(ref("distributions", 3, ".datadog.agentpayload.SketchPayload.Sketch.Distribution")),
                repeated(field("tags", 4, Type.TYPE_STRING)),
                repeated(ref("dogsketches", 7, ".datadog.agentpayload.SketchPayload.Sketch.Dogsketch")))
                .toBuilder().addNestedType(distribution).addNestedType(dogsketch).build();
        DescriptorProto common = message("CommonMetadata", field("agent_version", 1, Type.TYPE_STRING));
        DescriptorProto sketchPayload = message("SketchPayload",
                repeated(ref("sketches", 1, ".datadog.agentpayload.SketchPayload.Sketch")),
                ref("metadata", 2, ".datadog.agentpayload.CommonMetadata")).toBuilder().addNestedType(sketch).build();
        return FileDescriptorProto.newBuilder().setName("agent_payload.proto").setPackage("datadog.agentpayload")
                .setSyntax("proto3").addMessageType(payload).addMessageType(common).addMessageType(sketchPayload)
                .build();
    }

    private static FileDescriptorProto remote() {
        EnumDescriptorProto metricType = EnumDescriptorProto.newBuilder().setName("MetricType")
                .addValue(value("UNKNOWN", 0)).addValue(value("COUNTER", 1)).addValue(value("GAUGE", 2))
                .addValue(value("HISTOGRAM", 3)).addValue(value("GAUGEHISTOGRAM", 4))
                .addValue(value("SUMMARY", 5)).addValue(value("INFO", 6)).addValue(value("STATESET", 7)).build();
        DescriptorProto metadata = message("MetricMetadata",
                field("type", 1, Type.TYPE_ENUM).toBuilder()
                        .setTypeName(".prometheus.MetricMetadata.MetricType").build(),
                field("metric_family_name", 2, Type.TYPE_STRING),
                field("help", 4, Type.TYPE_STRING),
                field("unit", 5, Type.TYPE_STRING)).toBuilder().addEnumType(metricType).build();
        return FileDescriptorProto.newBuilder().setName("remote.proto").setPackage("prometheus").setSyntax("proto3")
                .addMessageType(message("WriteRequest",
                        repeated(ref("timeseries", 1, ".prometheus.TimeSeries")),
                        repeated(ref("metadata", 3, ".prometheus.MetricMetadata"))))
                .addMessageType(message("TimeSeries",
                        repeated(ref("labels", 1, ".prometheus.Label")),
                        repeated(ref("samples", 2, ".prometheus.Sample")),
                        repeated(ref("exemplars", 3, ".prometheus.Exemplar")),
                        repeated(ref("histograms", 4, ".prometheus.Histogram"))))
                .addMessageType(message("Label",
                        field("name", 1, Type.TYPE_STRING), field("value", 2, Type.TYPE_STRING)))
                .addMessageType(message("Sample",
                        field("value", 1, Type.TYPE_DOUBLE), field("timestamp", 2, Type.TYPE_INT64)))
                .addMessageType(message("Exemplar",
                        repeated(ref("labels", 1, ".prometheus.Label")),
                        field("value", 2, Type.TYPE_DOUBLE), field("timestamp", 3, Type.TYPE_INT64)))
                .addMessageType(message("Histogram",
                        field("count_int", 1, Type.TYPE_UINT64), field("sum", 3, Type.TYPE_DOUBLE),
                        field("schema", 4, Type.TYPE_SINT32), field("timestamp", 15, Type.TYPE_INT64)))
                .addMessageType(metadata)
                .build();
    }

    private static DescriptorProto message(String name, FieldDescriptorProto... fields) {
        DescriptorProto.Builder b = DescriptorProto.newBuilder().setName(name);
        for (FieldDescriptorProto f : fields) {
            b.addField(f);
        }
        return b.build();
    }

    private static FieldDescriptorProto field(String name, int number, Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(Label.LABEL_OPTIONAL).build();
    }

    private static FieldDescriptorProto ref(String name, int number, String typeName) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(Type.TYPE_MESSAGE)
                .setTypeName(typeName).setLabel(Label.LABEL_OPTIONAL).build();
    }

    private static FieldDescriptorProto repeated(FieldDescriptorProto f) {
        return f.toBuilder().setLabel(Label.LABEL_REPEATED).build();
    }

    private static EnumValueDescriptorProto value(String name, int number) {
        return EnumValueDescriptorProto.newBuilder().setName(name).setNumber(number).build();
    }
}
