package io.flowcore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockException;
import io.flowcore.engine.Blocks;
import io.flowcore.engine.blocks.BlockStores;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/* flowcore block create|ls|inspect|rm|types: secrets are never printed (inspect masks them). */
@Command(name = "block", mixinStandardHelpOptions = true, description = "Create, list, inspect and delete blocks.")
final class BlockCommand {
    // The mappers are built on first use (holder classes): picocli creates this command for every
    // call, even --help, and building them took a good part of the CLI's start.
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private static final class Yaml {
        static final ObjectMapper MAPPER = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    }

    @ParentCommand
    FlowcoreCli cli;

    @Spec
    CommandSpec spec;

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private Blocks open() {
        return Blocks.open(cli.home());
    }

    @Command(name = "create", description = "Save a block from --set key=value pairs and/or a JSON file.")
    int create(@Parameters(index = "0", paramLabel = "TYPE", description = "The block type slug, e.g. gcs-bucket.") String type,
               @Parameters(index = "1", paramLabel = "NAME", description = "The block name, e.g. zoom-gcs.") String name,
               @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A field value (repeatable).") List<String> sets,
               @Option(names = "--file", paramLabel = "FILE", description = "A JSON (or .yaml/.yml) object with the fields.") Path file,
               @Option(names = "--overwrite", description = "Replace an existing block of that name.") boolean overwrite) {
        try (Blocks blocks = open()) {
            Class<? extends Block> cls = typeOf(blocks, type);
            ObjectNode fields = file == null ? Json.MAPPER.createObjectNode() : readObject(file);
            for (String s : sets == null ? List.<String>of() : sets) {
                int eq = s.indexOf('=');
                if (eq < 1) throw new BlockException("--set needs KEY=VALUE, got '" + s.replaceAll("=.*", "=…") + "'");
                fields.put(s.substring(0, eq), s.substring(eq + 1));
            }
            Block block = blocks.fromJson(fields.toString(), cls);
            blocks.save(name, block, overwrite);
            out().println((overwrite ? "Saved" : "Created") + " block '" + name + "' (" + type + ")");
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
        try (Blocks blocks = Blocks.open(BlockStores.inMemory(), cli.home().resolve("blocks.key"))) {
            blocks.types().forEach((slug, cls) -> out().printf("%-22s %s%n", slug, Block.descriptionOf(cls)));
            return 0;
        }
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
