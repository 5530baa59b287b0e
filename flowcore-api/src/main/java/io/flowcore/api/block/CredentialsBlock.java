package io.flowcore.api.block;

/**
 * A block that holds credentials for a provider and turns them into that provider's credentials
 * object, e.g. {@code GoogleCredentials} for {@code GcpCredentials}.
 *
 * @param <C> the provider's credentials type
 */
public interface CredentialsBlock<C> extends Block {

    /** The provider's credentials object, built from this block's (secret) values. */
    C credentials();
}
