package io.flowcore.blocks;

import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockTypeProvider;
import io.flowcore.blocks.aws.AwsCredentials;
import io.flowcore.blocks.aws.S3Bucket;
import io.flowcore.blocks.azure.AzureBlobContainer;
import io.flowcore.blocks.azure.AzureBlobStorageCredentials;
import io.flowcore.blocks.gcp.BigQueryWarehouse;
import io.flowcore.blocks.gcp.GcpCredentials;
import io.flowcore.blocks.gcp.GcsBucket;
import io.flowcore.blocks.local.DuckDbWarehouse;
import io.flowcore.blocks.local.LocalLake;
import io.flowcore.blocks.notify.EmailNotifier;
import io.flowcore.blocks.notify.EmailServer;
import io.flowcore.blocks.notify.SlackWebhook;
import io.flowcore.blocks.notify.TeamsWebhook;
import io.flowcore.blocks.notify.Webhook;
import io.flowcore.blocks.sql.SqlConnector;
import java.util.List;

/** Registers this jar's block types with {@code ServiceLoader}. */
public final class FlowcoreBlockTypes implements BlockTypeProvider {

    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(SqlConnector.class, LocalLake.class, DuckDbWarehouse.class, AwsCredentials.class, S3Bucket.class,
                GcpCredentials.class, GcsBucket.class, BigQueryWarehouse.class,
                AzureBlobStorageCredentials.class, AzureBlobContainer.class,
                SlackWebhook.class, TeamsWebhook.class, Webhook.class, EmailServer.class, EmailNotifier.class);
    }
}
