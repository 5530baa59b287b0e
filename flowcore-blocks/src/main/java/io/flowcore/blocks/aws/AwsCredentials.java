package io.flowcore.blocks.aws;

import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.CredentialsBlock;
import io.flowcore.api.block.Secret;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * AWS credentials: static keys (the secret key and session token are {@link Secret}s), or, when
 * {@code accessKeyId} is null, the SDK's default provider chain (environment, profile, instance role).
 *
 * @param accessKeyId     the access key id, or null for the default chain
 * @param secretAccessKey the secret access key (required with {@code accessKeyId})
 * @param sessionToken    a session token for temporary credentials, or null
 */
@BlockType(description = "AWS credentials: static keys or the default provider chain")
public record AwsCredentials(String accessKeyId, Secret secretAccessKey, Secret sessionToken)
        implements CredentialsBlock<AwsCredentialsProvider> {

    public AwsCredentials {
        if (accessKeyId != null && secretAccessKey == null) {
            throw new BlockException("aws-credentials: 'secretAccessKey' is required with 'accessKeyId'");
        }
    }

    /** Static keys. */
    public static AwsCredentials of(String accessKeyId, Secret secretAccessKey) {
        return new AwsCredentials(accessKeyId, secretAccessKey, null);
    }

    /** The SDK's default provider chain. */
    public static AwsCredentials defaultChain() {
        return new AwsCredentials(null, null, null);
    }

    @Override
    public AwsCredentialsProvider credentials() {
        if (accessKeyId == null) return DefaultCredentialsProvider.builder().build();
        return StaticCredentialsProvider.create(sessionToken == null
                ? AwsBasicCredentials.create(accessKeyId, secretAccessKey.reveal())
                : AwsSessionCredentials.create(accessKeyId, secretAccessKey.reveal(), sessionToken.reveal()));
    }
}
