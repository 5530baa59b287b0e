package io.flowcore.blocks.aws;

import java.net.URI;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3CrtAsyncClientBuilder;
import software.amazon.awssdk.transfer.s3.S3TransferManager;

/*
 * The SDK clients of one S3Bucket value, created on first use and closed by S3Bucket.close(): a sync
 * client for list/head/delete and the transfer manager over the CRT client for multipart transfers
 * (parts of 8 MiB, streamed from/to disk, so memory stays bounded whatever the file size).
 */
record S3Clients(S3Client sync, S3AsyncClient crt, S3TransferManager transfers) implements AutoCloseable {
    static final long PART_BYTES = 8L << 20;
    private static final ConcurrentHashMap<S3Bucket, S3Clients> CLIENTS = new ConcurrentHashMap<>();

    static S3Clients of(S3Bucket b) {
        return CLIENTS.computeIfAbsent(b, S3Clients::create);
    }

    static void close(S3Bucket b) {
        S3Clients c = CLIENTS.remove(b);
        if (c != null) c.close();
    }

    private static S3Clients create(S3Bucket b) {
        AwsCredentialsProvider creds = b.credentials() != null ? b.credentials().get().credentials()
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder sync = S3Client.builder().credentialsProvider(creds).forcePathStyle(Boolean.TRUE.equals(b.pathStyle()));
        S3CrtAsyncClientBuilder crt = S3AsyncClient.crtBuilder().credentialsProvider(creds)
                .forcePathStyle(Boolean.TRUE.equals(b.pathStyle())).minimumPartSizeInBytes(PART_BYTES)
                .thresholdInBytes(PART_BYTES);
        if (b.region() != null) {
            sync.region(Region.of(b.region()));
            crt.region(Region.of(b.region()));
        }
        if (b.endpoint() != null) {
            sync.endpointOverride(URI.create(b.endpoint()));
            crt.endpointOverride(URI.create(b.endpoint()));
        }
        S3AsyncClient async = crt.build();
        return new S3Clients(sync.build(), async, S3TransferManager.builder().s3Client(async).build());
    }

    @Override
    public void close() {
        transfers.close();
        crt.close();
        sync.close();
    }
}
