package dev.adit.functions.auth;

import java.util.List;

/**
 * Who is calling, for exactly one organization, with what scopes. {@code credentialHash} is the
 * stored hash of the presented key; {@code sealingKey} is derived from the presented key itself and
 * never stored, so only the same credential can open what was sealed for it (idempotent replays).
 */
public record Caller(String userId, String organizationId, String credentialId, String credentialHash,
                     List<String> scopes, byte[] sealingKey) {
    public Caller {
        scopes = List.copyOf(scopes);
    }

    public boolean has(String scope) {
        return Scopes.grants(scopes, scope);
    }

    @Override
    public String toString() {
        return "Caller[user=" + userId + ", org=" + organizationId + ", credential=" + credentialId + ", scopes=" + scopes + "]";
    }
}
