package dev.adit.functions.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/** Proof Key for Code Exchange (RFC 7636), S256 only: "plain" protects nothing an attacker can read. */
public final class Pkce {
    /** 43 to 128 characters of the unreserved set, for both the verifier and an S256 challenge. */
    private static final Pattern SHAPE = Pattern.compile("^[A-Za-z0-9._~-]{43,128}$");

    private Pkce() {
    }

    public static boolean wellFormed(String value) {
        return value != null && SHAPE.matcher(value).matches();
    }

    public static String challengeOf(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean verifies(String challenge, String verifier) {
        return wellFormed(verifier) && MessageDigest.isEqual(
                challengeOf(verifier).getBytes(StandardCharsets.US_ASCII), challenge.getBytes(StandardCharsets.US_ASCII));
    }
}
