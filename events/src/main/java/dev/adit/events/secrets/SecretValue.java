package dev.adit.events.secrets;

import java.util.Objects;

/**
 * One version of a secret as the secret store holds it. {@code versionId} changes with every new
 * value (Secrets Manager's VersionId), so a reader polling the store can tell "unchanged" without
 * parsing anything.
 */
public record SecretValue(String versionId, String text) {
    public SecretValue {
        Objects.requireNonNull(versionId, "versionId");
        Objects.requireNonNull(text, "text");
    }

    /** Records print themselves in logs and assertion messages: this one never shows the text. */
    @Override
    public String toString() {
        return "SecretValue[versionId=" + versionId + ", text=<redacted>]";
    }
}
