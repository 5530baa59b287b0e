package io.flowcore.engine.internal.params;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/*
 * The mapper parameters are converted with. It starts from the run package's ResultCodec settings (the
 * engine stores parameters with those, so stored runs read back the same) and is stricter where a lenient
 * conversion would hide a mistake in hand-written parameters: "3" is not an int, 3.5 is not an int, 1 is
 * neither a boolean nor an enum constant. It stays lenient the one way the command line needs: a number
 * or boolean is taken as text for a String or Path parameter (--param batch=2021 parses as a number).
 * SchemaChecker follows the same rules, so both find the same problems.
 */
final class ParameterJson {
    static final ObjectMapper MAPPER = mapper();

    private static final int LONGEST_VALUE = 80;

    private ParameterJson() {
    }

    private static ObjectMapper mapper() {
        JsonMapper m = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .addModule(new SimpleModule("flowcore-params")
                        .addSerializer(Path.class, ToStringSerializer.instance)
                        .addDeserializer(Path.class, new PathFromText()))
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .defaultLeniency(false)
                .build();
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return m;
    }

    /** A value as JSON text for a message, shortened past {@value #LONGEST_VALUE} characters. */
    static String render(JsonNode node) {
        return shorten(node == null || node.isMissingNode() ? "null" : node.toString());
    }

    /** A Java value as the JSON text it would be given as. */
    static String render(Object value) {
        try {
            return shorten(MAPPER.writeValueAsString(value));
        } catch (IOException | RuntimeException e) {
            return shorten(String.valueOf(value));
        }
    }

    private static String shorten(String text) {
        return text.length() <= LONGEST_VALUE ? text : text.substring(0, LONGEST_VALUE - 3) + "...";
    }

    /** A path from a string, or from a number or boolean's text. */
    private static final class PathFromText extends JsonDeserializer<Path> {
        @Override
        public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t != JsonToken.VALUE_STRING && !t.isNumeric() && !t.isBoolean()) {
                return (Path) ctxt.handleUnexpectedToken(Path.class, p);
            }
            try {
                return Path.of(p.getText());
            } catch (InvalidPathException e) {
                throw ctxt.weirdStringException(p.getText(), Path.class, e.getReason());
            }
        }
    }
}
