package dev.adit.functions.certs;

import dev.adit.events.secrets.SecretJson;
import dev.adit.pki.CaFiles;
import dev.adit.pki.CertificateAuthority;

import java.util.List;
import java.util.Map;

/**
 * The CA kept as one secret, a JSON object of PEM strings:
 * {@code {"root": "<root certificate>", "intermediate": "<intermediate certificate>",
 * "intermediate_key": "<intermediate's private key>"}}. The root's key is never needed (it signed
 * the intermediate once) and does not belong in the secret.
 */
public final class CaSecret {
    public static final String ROOT = "root";
    public static final String INTERMEDIATE = "intermediate";
    public static final String INTERMEDIATE_KEY = "intermediate_key";

    private CaSecret() {
    }

    /**
     * @throws IllegalArgumentException not that JSON, unreadable PEM, a key that is not the
     *                                  intermediate's, an intermediate the root did not sign; the
     *                                  message names the secret and never quotes it
     */
    public static CertificateAuthority parse(String json, String secretName) {
        Map<String, String> fields = SecretJson.requiredStrings(json, secretName, List.of(ROOT, INTERMEDIATE, INTERMEDIATE_KEY));
        try {
            return CaFiles.fromPem(fields.get(ROOT), fields.get(INTERMEDIATE), fields.get(INTERMEDIATE_KEY));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("secret " + secretName + ": " + e.getMessage());
        }
    }
}
