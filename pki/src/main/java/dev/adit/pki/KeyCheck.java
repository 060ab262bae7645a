package dev.adit.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Whether a private key belongs to a certificate: a probe signed with the key must verify with the
 * certificate's public key, which works the same for RSA, EC and EdDSA keys.
 */
public final class KeyCheck {
    private static final byte[] PROBE = "adit-key-check".getBytes(StandardCharsets.US_ASCII);

    private KeyCheck() {
    }

    public static boolean belongsTo(PrivateKey key, X509Certificate certificate) {
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "Ed25519", "EdDSA" -> "Ed25519";
                default -> "SHA256withRSA";
            };
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // a key of another type than the certificate's, or one no provider takes: not a pair
        }
    }
}
