package io.flowcore.api.block;

import java.util.List;

/**
 * Registers block types, found with {@link java.util.ServiceLoader}: a jar lists its provider in
 * {@code META-INF/services/io.flowcore.api.block.BlockTypeProvider} and its types become known to
 * {@code Blocks} and the CLI (the analog of {@code prefect block register -m prefect_gcp}).
 */
public interface BlockTypeProvider {

    /** The block types this jar brings. */
    List<Class<? extends Block>> blockTypes();
}
