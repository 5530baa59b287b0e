package io.flowcore.engine.internal.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.lang.reflect.Type;

/**
 * JSON for results and parameters. Sorted keys make the bytes of equal values equal, which the cache
 * keys rely on. Results are read back with the task method's generic return type, so records, lists,
 * {@code Path}s and {@code java.time} values survive a round trip.
 */
final class ResultCodec {
    static final ResultCodec INSTANCE = new ResultCodec();

    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            // Jackson writes a Path as its URI, which gains a trailing '/' once the folder exists: the
            // same argument would then give another cache key. Its string form is stable.
            .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("flowcore-paths")
                    .addSerializer(java.nio.file.Path.class, com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance))
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    byte[] encode(Object value) throws IOException {
        return mapper.writeValueAsBytes(value);
    }

    String encodeToString(Object value) throws IOException {
        return mapper.writeValueAsString(value);
    }

    Object decode(byte[] bytes, Type type) throws IOException {
        JavaType t = mapper.getTypeFactory().constructType(type);
        return mapper.readValue(bytes, t);
    }

    Object decode(String json, Type type) throws IOException {
        return mapper.readValue(json, mapper.getTypeFactory().constructType(type));
    }

    ObjectMapper mapper() {
        return mapper;
    }
}
