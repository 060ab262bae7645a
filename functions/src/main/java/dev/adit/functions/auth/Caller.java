package dev.adit.functions.auth;

import java.util.List;

/**
 * Who is calling, for exactly one organization, with what scopes: the credential's own scopes cut
 * down to what the caller's role in that organization grants today. {@code credentialHash} is the
 * stored hash of the presented credential; {@code sealingKey} is derived from the presented
 * credential itself and never stored, so only the same credential can open what was sealed for it
 * (idempotent replays).
 */
public record Caller(String userId, String organizationId, Role role, String credentialId, String credentialHash,
                     List<String> scopes, byte[] sealingKey) {
    public Caller {
        scopes = List.copyOf(scopes);
    }

    public boolean has(String scope) {
        return Scopes.grants(scopes, scope);
    }

    @Override
    public String toString() {
        return "Caller[user=" + userId + ", org=" + organizationId + ", role=" + role.wireName()
                + ", credential=" + credentialId + ", scopes=" + scopes + "]";
    }
}
