package io.flowcore.api.block;

import java.util.Objects;

/**
 * A reference from one block to another saved block, by name: a {@code GcsBucket} names its
 * {@code GcpCredentials} block. Only the name is saved; {@code Blocks.load} resolves it, so
 * {@link #get()} of a loaded block returns the referenced block.
 *
 * @param name  the referenced block's name
 * @param block the referenced block once resolved, else null
 * @param <T>   the referenced block type
 */
public record BlockRef<T extends Block>(String name, T block) {

    public BlockRef {
        Objects.requireNonNull(name, "block reference name");
        if (name.isBlank()) throw new IllegalArgumentException("block reference name is blank");
    }

    /** A reference to the saved block {@code name}, resolved when the referencing block is loaded. */
    public static <T extends Block> BlockRef<T> named(String name) {
        return new BlockRef<>(name, null);
    }

    /** A reference that already holds its block (e.g. in tests, or before both are saved). */
    public static <T extends Block> BlockRef<T> of(String name, T block) {
        return new BlockRef<>(name, Objects.requireNonNull(block, "block"));
    }

    /**
     * The referenced block.
     *
     * @throws IllegalStateException when the reference was not resolved (the referencing block was
     *                               built with {@link #named} and not loaded through {@code Blocks})
     */
    public T get() {
        if (block == null) {
            throw new IllegalStateException("block reference '" + name + "' is not resolved: load the block "
                    + "that holds it with Blocks.load(...), or build it with BlockRef.of(name, block)");
        }
        return block;
    }

    /** Shows the name only; a referenced block never prints through its reference. */
    @Override
    public String toString() {
        return "BlockRef[" + name + "]";
    }
}
