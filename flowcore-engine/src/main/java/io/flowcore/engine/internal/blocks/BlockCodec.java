package io.flowcore.engine.internal.blocks;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockRef;
import io.flowcore.api.block.Secret;
import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/*
 * JSON for blocks. Secrets and block references get their own (de)serializers, steered by attributes
 * of one write/read:
 *  - CIPHER + NAME: Secret values are encrypted (write) / decrypted (read) with the JSON pointer of
 *    the field as part of the associated data. Without CIPHER a Secret writes as "********" and reads
 *    as its plain text (input typed by a user).
 *  - REF_CHECK (write): called with each reference, to check the referenced block is saved.
 *  - RESOLVER (read): loads each referenced block.
 */
final class BlockCodec {
    static final String CIPHER = "flowcore.blocks.cipher";
    static final String NAME = "flowcore.blocks.name";
    static final String REF_CHECK = "flowcore.blocks.refCheck";
    static final String RESOLVER = "flowcore.blocks.resolver";

    /** Checks a reference on save: (referenced name, referenced type). */
    interface RefCheck extends BiConsumer<String, Class<? extends Block>> {
    }

    /** Loads a referenced block on load. */
    interface Resolver extends BiFunction<String, Class<? extends Block>, Block> {
    }

    private final ObjectMapper mapper;

    BlockCodec() {
        SimpleModule m = new SimpleModule("flowcore-blocks");
        m.addSerializer(Secret.class, new SecretSerializer());
        m.addDeserializer(Secret.class, new SecretDeserializer());
        m.addSerializer(new RefSerializer(null));
        m.addDeserializer(BlockRef.class, new RefDeserializer(null));
        mapper = JsonMapper.builder()
                .addModule(m)
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }

    /** The stored form: secrets encrypted, references as names (checked by {@code check}). */
    String encode(String name, Block block, SecretCipher cipher, RefCheck check) {
        try {
            return mapper.writer().withAttribute(CIPHER, cipher).withAttribute(NAME, name)
                    .withAttribute(REF_CHECK, check).writeValueAsString(block);
        } catch (JsonProcessingException e) {
            throw unwrap(e, "cannot encode block '" + name + "' (" + Block.slugOf(block.getClass()) + ")");
        }
    }

    /** Reads a stored block: secrets decrypted, references resolved. */
    <T extends Block> T decode(String name, String json, Class<T> type, SecretCipher cipher, Resolver resolver) {
        try {
            return mapper.readerFor(type).withAttribute(CIPHER, cipher).withAttribute(NAME, name)
                    .withAttribute(RESOLVER, resolver).readValue(json);
        } catch (IOException e) {
            throw unwrap(e, "cannot load block '" + name + "' as " + Block.slugOf(type) + " (" + type.getName() + ")");
        }
    }

    /** The block as JSON with every secret shown as ********. */
    String masked(Block block) {
        try {
            return mapper.writeValueAsString(block);
        } catch (JsonProcessingException e) {
            throw unwrap(e, "cannot show block " + Block.slugOf(block.getClass()));
        }
    }

    /** A block from user-typed JSON (secrets in plain text, references unresolved). */
    <T extends Block> T fromPlainJson(String json, Class<T> type) {
        try {
            if (type.isRecord() && mapper.readTree(json) instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                java.util.List<String> fields = java.util.Arrays.stream(type.getRecordComponents())
                        .map(java.lang.reflect.RecordComponent::getName).toList();
                for (String f : (Iterable<String>) o::fieldNames) {
                    if (!fields.contains(f)) {
                        throw new BlockException("unknown field '" + f + "' for " + Block.slugOf(type) + "; its fields: "
                                + String.join(", ", fields));
                    }
                }
            }
            return mapper.readValue(json, type);
        } catch (IOException e) {
            throw unwrap(e, "invalid " + Block.slugOf(type) + " block");
        }
    }

    ObjectMapper mapper() {
        return mapper;
    }

    private static BlockException unwrap(Exception e, String what) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BlockException b) return b;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (root != e && root.getMessage() != null && !(root instanceof JsonProcessingException)) detail = root.getMessage();
        // Jackson's messages name fields and types, never values of Secret fields (read as strings here).
        return new BlockException(what + ": " + detail);
    }

    private static String field(com.fasterxml.jackson.core.JsonStreamContext ctx) {
        String p = ctx.pathAsPointer().toString();
        return p.isEmpty() ? "/" : p;
    }

    private static final class SecretSerializer extends StdSerializer<Secret> {
        SecretSerializer() {
            super(Secret.class);
        }

        @Override
        public void serialize(Secret value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            SecretCipher cipher = (SecretCipher) provider.getAttribute(CIPHER);
            if (cipher == null) {
                gen.writeString(Secret.MASK);
            } else {
                gen.writeString(cipher.encrypt(value.reveal(), (String) provider.getAttribute(NAME), field(gen.getOutputContext())));
            }
        }
    }

    private static final class SecretDeserializer extends JsonDeserializer<Secret> {
        @Override
        public Secret deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw JsonMappingException.from(p, "a secret must be a JSON string at " + field(p.getParsingContext()));
            }
            SecretCipher cipher = (SecretCipher) ctx.getAttribute(CIPHER);
            String text = p.getText();
            if (cipher == null) return Secret.of(text);
            return Secret.of(cipher.decrypt(text, (String) ctx.getAttribute(NAME), field(p.getParsingContext())));
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Block> target(JavaType refType) {
        JavaType t = refType == null ? null : refType.containedType(0);
        if (t == null || !Block.class.isAssignableFrom(t.getRawClass())) return Block.class;
        return (Class<? extends Block>) t.getRawClass();
    }

    @SuppressWarnings("rawtypes")
    private static final class RefSerializer extends StdSerializer<BlockRef> implements ContextualSerializer {
        private final Class<? extends Block> target;

        RefSerializer(Class<? extends Block> target) {
            super(BlockRef.class);
            this.target = target;
        }

        @Override
        public JsonSerializer<?> createContextual(SerializerProvider prov, BeanProperty property) {
            return new RefSerializer(property == null ? Block.class : target(property.getType()));
        }

        @Override
        public void serialize(BlockRef value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            RefCheck check = (RefCheck) provider.getAttribute(REF_CHECK);
            if (check != null) check.accept(value.name(), target == null ? Block.class : target);
            gen.writeString(value.name());
        }
    }

    @SuppressWarnings("rawtypes")
    private static final class RefDeserializer extends JsonDeserializer<BlockRef> implements ContextualDeserializer {
        private final Class<? extends Block> target;

        RefDeserializer(Class<? extends Block> target) {
            this.target = target;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            JavaType t = ctxt.getContextualType() != null ? ctxt.getContextualType()
                    : property == null ? null : property.getType();
            return new RefDeserializer(target(t));
        }

        @Override
        public BlockRef deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw JsonMappingException.from(p, "a block reference must be the referenced block's name (a string) at "
                        + field(p.getParsingContext()));
            }
            String name = p.getText();
            Resolver resolver = (Resolver) ctx.getAttribute(RESOLVER);
            if (resolver == null) return BlockRef.named(name);
            return BlockRef.of(name, resolver.apply(name, target == null ? Block.class : target));
        }
    }
}
