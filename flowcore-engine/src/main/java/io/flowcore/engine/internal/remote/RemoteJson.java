package io.flowcore.engine.internal.remote;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.flowcore.api.deployment.Schedule;
import io.flowcore.engine.internal.schedule.ScheduleJson;
import java.io.IOException;

/**
 * The JSON of the engine API between remote engines and a flowcore server: the API's records as Jackson
 * writes them (ISO instants, Optional as a value or null), and schedules in the deployments file's form.
 */
public final class RemoteJson {
    /** Thread-safe once configured. */
    public static final ObjectMapper MAPPER = create();

    private RemoteJson() {
    }

    private static ObjectMapper create() {
        SimpleModule schedules = new SimpleModule("flowcore-schedules");
        schedules.addSerializer(Schedule.class, new JsonSerializer<>() {
            @Override
            public void serialize(Schedule s, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeTree(ScheduleJson.toJson(s));
            }
        });
        schedules.addDeserializer(Schedule.class, new JsonDeserializer<>() {
            @Override
            public Schedule deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                JsonNode n = p.readValueAsTree();
                ArrayNode one = MAPPER.createArrayNode().add(n);
                return ScheduleJson.fromJson(one, "schedule").get(0);
            }
        });
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .registerModule(new Jdk8Module())
                .registerModule(schedules)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                // a newer server may send a field this engine does not know yet
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
