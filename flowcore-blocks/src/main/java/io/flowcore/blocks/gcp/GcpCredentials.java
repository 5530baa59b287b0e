package io.flowcore.blocks.gcp;

import com.google.auth.oauth2.GoogleCredentials;
import io.flowcore.api.block.BlockException;
import io.flowcore.api.block.BlockType;
import io.flowcore.api.block.CredentialsBlock;
import io.flowcore.api.block.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Google Cloud credentials: a service-account key (its JSON, kept as a {@link Secret}), or, when that
 * is null, Application Default Credentials ({@code GOOGLE_APPLICATION_CREDENTIALS}, gcloud, metadata server).
 *
 * @param serviceAccountInfo the service-account key JSON, or null for application-default credentials
 * @param projectId          the default project, or null to use the key's project
 */
@BlockType(description = "Google Cloud credentials: a service-account key or application-default credentials")
public record GcpCredentials(Secret serviceAccountInfo, String projectId) implements CredentialsBlock<GoogleCredentials> {
    private static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");

    /** Credentials from a service-account key JSON. */
    public static GcpCredentials serviceAccount(Secret json, String projectId) {
        return new GcpCredentials(json, projectId);
    }

    /** Application Default Credentials. */
    public static GcpCredentials applicationDefault(String projectId) {
        return new GcpCredentials(null, projectId);
    }

    @Override
    public GoogleCredentials credentials() {
        try {
            if (serviceAccountInfo == null) return GoogleCredentials.getApplicationDefault().createScoped(SCOPES);
            return GoogleCredentials.fromStream(new ByteArrayInputStream(
                    serviceAccountInfo.reveal().getBytes(StandardCharsets.UTF_8))).createScoped(SCOPES);
        } catch (IOException | RuntimeException e) {
            // The parser's message may quote the JSON, so only its type is shown.
            throw new BlockException("gcp-credentials: cannot build credentials from "
                    + (serviceAccountInfo == null ? "application-default credentials: " + e.getMessage()
                    : "the service-account JSON (" + e.getClass().getSimpleName() + "): check that it is a complete key file"));
        }
    }
}
