package io.flowcore.api.block;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A secret value (a password, a key, a service-account JSON) that never shows itself: its
 * {@code toString()} is {@code ********}, and so is its JSON outside the block store, where it is
 * encrypted. Call {@link #reveal()} only where the value is handed to a client library.
 */
public final class Secret {
    /** What a secret looks like wherever it is printed. */
    public static final String MASK = "********";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a secret value.
     *
     * @throws NullPointerException when {@code value} is null
     */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "secret value"));
    }

    /** The plain value, to pass to a client library. Never log it. */
    public String reveal() {
        return value;
    }

    /** Always {@value #MASK}. */
    @Override
    public String toString() {
        return MASK;
    }

    /** Equal when the values are equal (compared in constant time). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
