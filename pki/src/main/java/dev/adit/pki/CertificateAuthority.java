package dev.adit.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Adit's own certificate authority: a root that only signs the intermediate, and an intermediate
 * that signs tunnel and edge certificates. Clients pin the chain served at GET /v1/ca.pem.
 */
public final class CertificateAuthority {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Back-dating absorbs clock skew between the signer and the clients that validate: every notBefore is this far in the past. */
    public static final Duration SKEW = Duration.ofMinutes(5);

    private final X509Certificate root;
    private final X509Certificate intermediate;
    private final PrivateKey intermediateKey;

    public CertificateAuthority(X509Certificate root, X509Certificate intermediate, PrivateKey intermediateKey) {
        this.root = root;
        this.intermediate = intermediate;
        this.intermediateKey = intermediateKey;
    }

    /** A new root (10 years) and intermediate (5 years). The root's key is not kept: it signs once. */
    public static CertificateAuthority create(String name) {
        try {
            KeyPair rootKeys = ecKeys("secp384r1");
            X500Name rootName = new X500Name("CN=" + name + " Root CA");
            X509Certificate root = sign(new JcaX509v3CertificateBuilder(rootName, serial(), notBefore(), after(Duration.ofDays(3650)),
                            rootName, rootKeys.getPublic())
                            .addExtension(Extension.basicConstraints, true, new BasicConstraints(1))
                            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                            .addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(rootKeys.getPublic())),
                    rootKeys.getPrivate(), "SHA384withECDSA");
            KeyPair intermediateKeys = ecKeys("secp384r1");
            X509Certificate intermediate = sign(new JcaX509v3CertificateBuilder(root, serial(), notBefore(), after(Duration.ofDays(1825)),
                            new X500Name("CN=" + name + " Intermediate CA"), intermediateKeys.getPublic())
                            .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                            .addExtension(Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(intermediateKeys.getPublic()))
                            .addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(root)),
                    rootKeys.getPrivate(), "SHA384withECDSA");
            return new CertificateAuthority(root, intermediate, intermediateKeys.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a certificate authority", e);
        }
    }

    public X509Certificate root() {
        return root;
    }

    public X509Certificate intermediate() {
        return intermediate;
    }

    public PrivateKey intermediateKey() {
        return intermediateKey;
    }

    /** The chain clients pin: intermediate, then root. */
    public String chainPem() {
        return Pem.encode(intermediate, root);
    }

    /** A TLS server certificate for exactly these DNS names (and IP literals), signed by the intermediate. */
    public X509Certificate issueServer(PublicKey key, List<String> dnsNames, List<String> ipAddresses, Duration validity) {
        return issueServer(key, dnsNames.getFirst(), dnsNames, ipAddresses, validity);
    }

    public X509Certificate issueServer(PublicKey key, String commonName, List<String> dnsNames, List<String> ipAddresses,
                                       Duration validity) {
        try {
            GeneralName[] names = new GeneralName[dnsNames.size() + ipAddresses.size()];
            int i = 0;
            for (String dns : dnsNames) {
                names[i++] = new GeneralName(GeneralName.dNSName, dns);
            }
            for (String ip : ipAddresses) {
                names[i++] = new GeneralName(GeneralName.iPAddress, ip);
            }
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(intermediate, serial(), notBefore(), after(validity),
                    new X500Name("CN=" + commonName), key)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(intermediate));
            return sign(builder, intermediateKey, "SHA384withECDSA");
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue a certificate for " + dnsNames, e);
        }
    }

    /** A fresh P-256 key pair: what servers and agents use for the certificates this CA issues. */
    public static KeyPair newServerKeys() {
        try {
            return ecKeys("secp256r1");
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has P-256", e);
        }
    }

    static KeyPair ecKeys(String curve) throws java.security.GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key, String algorithm) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    /** 127 random bits: unpredictable, positive, within the 20 octets RFC 5280 allows. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static Date notBefore() {
        return Date.from(Instant.now().minus(SKEW));
    }

    private static Date after(Duration validity) {
        return Date.from(Instant.now().plus(validity));
    }
}
