package io.flowcore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.Secret;
import io.flowcore.engine.Blocks;
import io.flowcore.api.block.KeyRotation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/*
 * flowcore block create|ls|inspect|rm|types|rotate-key: secrets are never printed (inspect masks them),
 * and need never be typed as arguments (--set-secret KEY=- or KEY=env:VAR; see SecretInput).
 */
@Command(name = "block", mixinStandardHelpOptions = true, description = "Create, list, inspect and delete blocks.")
final class BlockCommand extends Subcommand {
    // The mappers are built on first use (holder classes): picocli creates this command for every
    // call, even --help, and building them took a good part of the CLI's start.
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private static final class Yaml {
        static final ObjectMapper MAPPER = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    }

    private Blocks open() {
        return cli.blocks();
    }

    @Command(name = "create", description = "Save a block from --set key=value pairs and/or a JSON file.")
    int create(@Parameters(index = "0", paramLabel = "TYPE", description = "The block type slug, e.g. gcs-bucket.") String type,
               @Parameters(index = "1", paramLabel = "NAME", description = "The block name, e.g. zoom-gcs.") String name,
               @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A field value (repeatable).") List<String> sets,
               @Option(names = "--set-secret", paramLabel = "KEY=-|env:VAR", description = "A secret field's value, read from"
                       + " standard input (-, one line) or an environment variable (env:VAR); repeatable.") List<String> secrets,
               @Option(names = "--file", paramLabel = "FILE", description = "A JSON (or .yaml/.yml) object with the fields.") Path file,
               @Option(names = "--overwrite", description = "Replace an existing block of that name.") boolean overwrite) {
        try (Blocks blocks = open()) {
            Class<? extends Block> cls = typeOf(blocks, type);
            List<String> secretFields = secretFields(cls);
            ObjectNode fields = file == null ? Json.MAPPER.createObjectNode() : readObject(file);
            for (String s : sets == null ? List.<String>of() : sets) {
                String key = key(s, "--set", "KEY=VALUE");
                String value = s.substring(key.length() + 1);
                // Kept working for scripts that have it, but said out loud: the value is in shell history.
                if (secretFields.contains(key)) {
                    err().println("warning: --set " + key + "=… puts a secret on the command line, where shell history and"
                            + " /proc/<pid>/cmdline show it; use --set-secret " + key + "=- (stdin) or --set-secret " + key
                            + "=env:VARIABLE");
                } else if (value.matches("(?is).*([?&;]password=|//[^/@]*:[^/@]*@).*")) {
                    err().println("warning: --set " + key + "=… carries a password, which is moved into the secret field"
                            + " when saved but is visible in shell history; put it in a secret field with --set-secret");
                }
                fields.put(key, value);
            }
            SecretInput input = new SecretInput(cli.stdin, cli.env);
            for (String s : secrets == null ? List.<String>of() : secrets) {
                String key = key(s, "--set-secret", "KEY=-|env:VAR");
                if (!secretFields.contains(key)) {
                    throw new BlockException("--set-secret " + key + ": '" + key + "' is not a secret field of " + type
                            + " (its secret fields: " + (secretFields.isEmpty() ? "none" : String.join(", ", secretFields))
                            + "); use --set");
                }
                String source = s.substring(key.length() + 1);
                fields.put(key, input.read(source, "--set-secret " + key + "=" + source));
            }
            Block block = blocks.fromJson(fields.toString(), cls);
            blocks.save(name, block, overwrite);
            out().println((overwrite ? "Saved" : "Created") + " block '" + name + "' (" + type + ")");
            return 0;
        }
    }

    @Command(name = "rotate-key", description = "Re-encrypt and re-sign every block under a new blocks key.")
    int rotateKey(@Option(names = "--new-key", paramLabel = "-|env:VAR", description = "The new key (base64 of 32 bytes),"
            + " from standard input (-) or an environment variable (env:VAR). Required when the key comes from"
            + " FLOWCORE_BLOCKS_KEY; with a key file a new key is generated when omitted.") String newKey) {
        try (Blocks blocks = open()) {
            KeyRotation r = newKey == null ? blocks.rotateKey()
                    : blocks.rotateKey(Secret.of(new SecretInput(cli.stdin, cli.env).read(newKey, "--new-key " + newKey)));
            out().println("Rotated " + r.blocks().size() + " blocks (" + String.join(", ", r.blocks()) + ") from key id "
                    + r.previousKeyId() + " to key id " + r.newKeyId() + ".");
            if (r.keyFromEnvironment()) {
                out().println("Now set FLOWCORE_BLOCKS_KEY to the new key (key id " + r.newKeyId() + ") wherever flowcore"
                        + " runs, and in your secret manager: until then those processes cannot load blocks.");
            } else {
                out().println("The " + r.keySource() + " now holds the new key: back it up (database backups taken before"
                        + " now need the old key).");
            }
            return 0;
        }
    }

    @Command(name = "ls", description = "List saved blocks.")
    int ls(@Option(names = "--type", paramLabel = "TYPE", description = "Only blocks of this type slug.") String type) {
        try (Blocks blocks = open()) {
            Map<String, String> all = blocks.list();
            List<String[]> rows = new ArrayList<>();
            all.forEach((n, t) -> {
                if (type == null || type.equals(t)) rows.add(new String[] {n, t});
            });
            int w = Math.max(4, rows.stream().mapToInt(r -> r[0].length()).max().orElse(0));
            out().printf("%-" + w + "s  %s%n", "NAME", "TYPE");
            rows.forEach(r -> out().printf("%-" + w + "s  %s%n", r[0], r[1]));
            return 0;
        }
    }

    @Command(name = "inspect", description = "Show a block's fields, secrets masked.")
    int inspect(@Parameters(paramLabel = "NAME") String name) {
        try (Blocks blocks = open()) {
            String type = blocks.list().get(name);
            Block b = blocks.load(name);
            out().println(name + " (" + type + ")");
            out().println(blocks.toMaskedJson(b));
            return 0;
        }
    }

    @Command(name = "rm", description = "Delete a block.")
    int rm(@Parameters(paramLabel = "NAME") String name) {
        try (Blocks blocks = open()) {
            if (!blocks.delete(name)) throw new BlockException("no block named '" + name + "'");
            out().println("Deleted block '" + name + "'");
            return 0;
        }
    }

    @Command(name = "types", description = "List the block types on the classpath.")
    int types() {
        // The types come from the classpath, not from the store: a listing needs no database
        // (and does not create one in a fresh home).
        try (Blocks blocks = Blocks.open(io.flowcore.engine.BlockStores.inMemory(), cli.home().resolve("blocks.key"))) {
            blocks.types().forEach((slug, cls) -> out().printf("%-22s %s%n", slug, Block.descriptionOf(cls)));
            return 0;
        }
    }

    private static String key(String pair, String option, String form) {
        int eq = pair.indexOf('=');
        if (eq < 1) throw new BlockException(option + " needs " + form + ", got '" + pair.replaceAll("=.*", "=…") + "'");
        return pair.substring(0, eq);
    }

    /** The names of the fields of type Secret (the ones --set-secret fills). */
    private static List<String> secretFields(Class<? extends Block> cls) {
        if (!cls.isRecord()) return List.of();
        return java.util.Arrays.stream(cls.getRecordComponents()).filter(c -> c.getType() == Secret.class)
                .map(java.lang.reflect.RecordComponent::getName).toList();
    }

    private static Class<? extends Block> typeOf(Blocks blocks, String slug) {
        Class<? extends Block> cls = blocks.types().get(slug);
        if (cls == null) {
            throw new BlockException("unknown block type '" + slug + "'; known types: " + String.join(", ", blocks.types().keySet()));
        }
        return cls;
    }

    private static ObjectNode readObject(Path file) {
        try {
            String name = file.getFileName().toString();
            ObjectMapper m = name.endsWith(".yaml") || name.endsWith(".yml") ? Yaml.MAPPER : Json.MAPPER;
            if (m.readTree(Files.readString(file)) instanceof ObjectNode o) return o;
            throw new BlockException("--file " + file + " must hold an object (JSON or YAML)");
        } catch (IOException e) {
            throw new BlockException("cannot read --file " + file + ": " + e.getClass().getSimpleName());
        }
    }
}
