package dev.adit.functions.api;

import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;

/** Request bodies (snake_case on the wire). Secrets are left out of toString. */
public final class Requests {
    private Requests() {
    }

    public record Signup(String email, String password, String name) {
        @Override
        public String toString() {
            return "Signup[email=" + email + "]";
        }
    }

    public record Login(String email, String password, @Nullable String organizationId) {
        @Override
        public String toString() {
            return "Login[email=" + email + "]";
        }
    }

    public record CreateKey(String name, List<String> permissions) {
    }

    public record SignCsr(String csrPem) {
    }

    public record CreateTunnel(String tunnelName, @Nullable String description,
                               @Nullable @Schema(allowableValues = {"edge", "passthrough"}, defaultValue = "edge") String tlsMode) {
    }

    public record RegisterClient(String name, List<String> redirectUris,
                                 @Nullable @Schema(allowableValues = {"confidential", "public"}, defaultValue = "confidential") String clientType) {
    }

    public record CreateOrg(String name) {
    }

    public record RenameOrg(String name) {
    }

    public record ChangeRole(@Schema(allowableValues = {"owner", "admin", "member"}) String role) {
    }

    public record Invite(String email, @Nullable @Schema(allowableValues = {"owner", "admin", "member"}, defaultValue = "member") String role) {
    }

    public record AcceptInvitation(String token) {
        @Override
        public String toString() {
            return "AcceptInvitation[]";
        }
    }
}
