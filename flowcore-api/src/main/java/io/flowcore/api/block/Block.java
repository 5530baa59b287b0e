package io.flowcore.api.block;

import java.util.Locale;

/**
 * A block: named, typed configuration for something outside the flow (a database, a bucket, a
 * warehouse, credentials), saved once and loaded by name in every flow. With {@code Blocks} of
 * flowcore-engine and {@code GcsBucket} of flowcore-blocks:
 * <pre>{@code
 * try (Blocks blocks = Blocks.open()) {                // $FLOWCORE_HOME or ~/.flowcore
 *     blocks.save("zoom-gcs", GcsBucket.of("dtc-data-lake", "data", "zoom-gcp-creds"));
 *     GcsBucket lake = blocks.load("zoom-gcs", GcsBucket.class);
 * }
 * }</pre>
 * and inside a flow or task, from the engine running it:
 * {@code RunContext.current().block("zoom-gcs", GcsBucket.class)}.
 * A block type is a record (or another Jackson-serializable class) that implements this interface and
 * one or more capability interfaces ({@link DatabaseBlock}, {@link ObjectStorageBlock},
 * {@link CredentialsBlock}, {@link WarehouseBlock}, {@link NotifierBlock}). Secret values are {@link Secret} components;
 * other blocks are referenced by name with {@link BlockRef}. Block types are configuration, not
 * workflow logic, and are registered for discovery with a {@link BlockTypeProvider}.
 *
 * <p>A type's slug (its stable name in the store) is {@link BlockType#slug()} if given, else derived
 * from the class name ({@code GcsBucket} → {@code gcs-bucket}). Renaming a slug orphans saved blocks.
 */
public interface Block {

    /** The stable slug of a block type, e.g. {@code gcs-bucket} for {@code GcsBucket}. */
    static String slugOf(Class<? extends Block> type) {
        BlockType info = type.getAnnotation(BlockType.class);
        if (info != null && !info.slug().isEmpty()) return info.slug();
        return kebab(type.getSimpleName());
    }

    /** The one-line description of a block type ({@link BlockType#description()}), or "" if none. */
    static String descriptionOf(Class<? extends Block> type) {
        BlockType info = type.getAnnotation(BlockType.class);
        return info == null ? "" : info.description();
    }

    private static String kebab(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean boundary = Character.isUpperCase(c) && i > 0
                    && (Character.isLowerCase(name.charAt(i - 1)) || Character.isDigit(name.charAt(i - 1))
                        || (i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1))));
            if (boundary) out.append('-');
            out.append(Character.toLowerCase(c));
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
