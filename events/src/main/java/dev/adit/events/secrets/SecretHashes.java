package dev.adit.events.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Hashes of high-entropy secrets (API keys, tunnel connect secrets, tokens). These secrets carry
 * 95+ bits of randomness, so a fast SHA-256 is enough to make a stolen table useless; passwords,
 * which do not, use argon2id instead. The control API stores these hashes and the edge checks
 * agents against them, so both sides must hash the same way.
 */
public final class SecretHashes {
    private SecretHashes() {
    }

    /** Lowercase hex SHA-256 of the secret's UTF-8 bytes. */
    public static String sha256Hex(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Whether {@code secret} hashes to {@code expectedHex}, compared in constant time. */
    public static boolean matches(String secret, String expectedHex) {
        if (secret == null || expectedHex == null) {
            return false;
        }
        byte[] actual = sha256Hex(secret).getBytes(StandardCharsets.US_ASCII);
        byte[] expected = expectedHex.getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(actual, expected);
    }
}
