package io.flowcore.engine.internal.blocks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.block.BlockException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/*
 * A stored block document is authenticated as a whole. The document is the block's JSON plus one
 * reserved member (a colon cannot occur in a Java record component, so no block field can clash):
 *
 *   "flowcore:auth" : { "keyId" : "<16 hex>", "mac" : "hmac-sha256:<base64>" }
 *
 * The MAC is HMAC-SHA256 under the key's signing sub-key (see BlockKey) over
 *   "flowcore-block-v1\0" + name + "\0" + type slug + "\0" + canonical(document without "mac")
 * where canonical() is compact JSON with object members sorted by name (recursively), so the check
 * does not depend on whitespace or member order. The key id is inside the signed content: it cannot be
 * swapped either. Name and slug are bound in, so a document copied to another row fails to verify.
 */
final class BlockSignature {
    static final String FIELD = "flowcore:auth";
    private static final String MAC_PREFIX = "hmac-sha256:";

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private final ObjectMapper compact = JsonMapper.builder().build();

    /** The stored document as a JSON object. */
    ObjectNode parse(String name, String json) {
        try {
            if (mapper.readTree(json) instanceof ObjectNode o) return o;
        } catch (JsonProcessingException e) {
            // fall through: the message below names the block, not the parser's excerpt of the content
        }
        throw new BlockException("block '" + name + "' is not a JSON object in the block store: it was modified outside"
                + " flowcore; save it again through flowcore (or delete it)");
    }

    boolean isSigned(ObjectNode doc) {
        return doc.has(FIELD);
    }

    /** The key id the document was signed under, when signed. */
    Optional<String> keyId(ObjectNode doc) {
        JsonNode id = doc.path(FIELD).path("keyId");
        return id.isTextual() ? Optional.of(id.textValue()) : Optional.empty();
    }

    /** {@code content} (a block's JSON, unsigned) with its signature under {@code key}, as stored text. */
    String sign(String name, String slug, ObjectNode content, BlockKey key) {
        ObjectNode doc = content.deepCopy();
        doc.remove(FIELD);
        ObjectNode auth = doc.putObject(FIELD);
        auth.put("keyId", key.id());
        auth.put("mac", MAC_PREFIX + key.sign(signedBytes(name, slug, doc)));
        try {
            return mapper.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new BlockException("cannot write block '" + name + "' (" + slug + "): " + e.getOriginalMessage(), e);
        }
    }

    /** True when {@code doc} carries a valid signature by {@code key} for this name and slug. */
    boolean verifies(String name, String slug, ObjectNode doc, BlockKey key) {
        JsonNode mac = doc.path(FIELD).path("mac");
        if (!mac.isTextual() || !mac.textValue().startsWith(MAC_PREFIX)) return false;
        return key.verifies(signedBytes(name, slug, doc), mac.textValue().substring(MAC_PREFIX.length()));
    }

    /** The block's own JSON: the document without the signature. */
    ObjectNode content(ObjectNode doc) {
        ObjectNode c = doc.deepCopy();
        c.remove(FIELD);
        return c;
    }

    String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new BlockException("cannot write a block document: " + e.getOriginalMessage(), e);
        }
    }

    private byte[] signedBytes(String name, String slug, ObjectNode doc) {
        ObjectNode withoutMac = doc.deepCopy();
        if (withoutMac.get(FIELD) instanceof ObjectNode auth) auth.remove("mac");
        try {
            String canonical = compact.writeValueAsString(sorted(withoutMac));
            return ("flowcore-block-v1\0" + name + "\0" + slug + "\0" + canonical).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new BlockException("cannot sign block '" + name + "' (" + slug + "): " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode sorted(JsonNode n) {
        if (n instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (String f : names) out.set(f, sorted(o.get(f)));
            return out;
        }
        if (n instanceof ArrayNode a) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            a.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return n;
    }
}
