package dev.adit.functions.oauth;

/**
 * An error of the token or revocation endpoint, in RFC 6749 section 5.2 terms ({@code error} is
 * one of its codes). The web adapter renders it as the RFC body, with our {@code message} and
 * {@code code} fields beside, so OAuth libraries and Adit clients both understand it.
 */
public final class OAuthError extends RuntimeException {
    private final int status;
    private final String error;

    private OAuthError(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError(400, "invalid_request", description);
    }

    public static OAuthError invalidClient(String description) {
        return new OAuthError(401, "invalid_client", description);
    }

    public static OAuthError invalidGrant(String description) {
        return new OAuthError(400, "invalid_grant", description);
    }

    public static OAuthError invalidScope(String description) {
        return new OAuthError(400, "invalid_scope", description);
    }

    public static OAuthError unauthorizedClient(String description) {
        return new OAuthError(400, "unauthorized_client", description);
    }

    public static OAuthError unsupportedGrantType(String description) {
        return new OAuthError(400, "unsupported_grant_type", description);
    }

    public static OAuthError unsupportedTokenType(String description) {
        return new OAuthError(400, "unsupported_token_type", description);
    }
}
