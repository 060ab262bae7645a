package dev.adit.edge.tls;

import dev.adit.events.secrets.SecretJson;
import dev.adit.events.secrets.SecretValue;
import dev.adit.events.secrets.SecretsManagerSecret;

import java.util.List;
import java.util.Map;

/**
 * The pair in an AWS Secrets Manager secret whose value is the JSON object
 * {@code {"cert": "<PEM chain, leaf first>", "key": "<PEM private key>"}}: the same shape as the
 * agent listener's secret, so one wildcard certificate for {@code *.DOMAIN} (which also covers
 * {@code edge.DOMAIN}) can serve both. The version is the secret's VersionId: every
 * {@code put-secret-value} is a new one.
 */
public final class SecretCertificates implements CertificateSource {
    public static final String CERT_FIELD = "cert";
    public static final String KEY_FIELD = "key";

    private final SecretsManagerSecret secret;

    public SecretCertificates(SecretsManagerSecret secret) {
        this.secret = secret;
    }

    @Override
    public Pems read() {
        SecretValue value = secret.read();
        Map<String, String> fields = SecretJson.requiredStrings(value.text(), secret.id(), List.of(CERT_FIELD, KEY_FIELD));
        return new Pems(value.versionId(), fields.get(CERT_FIELD), fields.get(KEY_FIELD));
    }

    @Override
    public String describe() {
        return "secret " + secret.id();
    }

    @Override
    public void close() {
        secret.close();
    }
}
