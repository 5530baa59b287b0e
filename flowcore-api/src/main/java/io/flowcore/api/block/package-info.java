/**
 * Blocks: named, typed, secret-safe configuration (see {@link io.flowcore.api.block.Block}), the
 * capability interfaces block types implement, and the {@link io.flowcore.api.block.BlockStore} SPI.
 */
package io.flowcore.api.block;
