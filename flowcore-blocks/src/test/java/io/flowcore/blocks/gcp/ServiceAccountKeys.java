package io.flowcore.blocks.gcp;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** A syntactically valid service-account key JSON with a fresh RSA key (it authorizes nothing). */
final class ServiceAccountKeys {
    private ServiceAccountKeys() {
    }

    static String fake(String project) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            String pem = "-----BEGIN PRIVATE KEY-----\\n"
                    + String.join("\\n", Base64.getEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                            .split("(?<=\\G.{64})"))
                    + "\\n-----END PRIVATE KEY-----\\n";
            return "{\"type\":\"service_account\",\"project_id\":\"" + project + "\",\"private_key_id\":\"k1\","
                    + "\"private_key\":\"" + pem + "\",\"client_email\":\"flows@" + project + ".iam.gserviceaccount.com\","
                    + "\"client_id\":\"1\",\"token_uri\":\"https://oauth2.googleapis.com/token\"}";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
