package dev.adit.edge.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * PEM in and out, so an edge can load its certificate chain and key from files and an agent its
 * trust anchors, and so a local CA can be written where agents will find it.
 */
public final class Pem {
    private Pem() {
    }

    public static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return certificates(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Certificates from PEM text, e.g. a CA handed out by the control API. */
    public static List<X509Certificate> certificates(String pem) {
        try {
            return certificates(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), "the given PEM");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<X509Certificate> certificates(InputStream in, String file) throws IOException {
        try {
            List<X509Certificate> certs = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var cert : factory.generateCertificates(in)) {
                certs.add((X509Certificate) cert);
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file);
            }
            return certs;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate file: " + file, e);
        }
    }

    /** A PKCS#8 ("PRIVATE KEY") or traditional ("EC/RSA PRIVATE KEY") unencrypted key. */
    public static PrivateKey privateKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            return privateKey(reader, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    public static PrivateKey privateKey(String pem) {
        try {
            return privateKey(new StringReader(pem), "the given PEM");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PrivateKey privateKey(Reader reader, String source) throws IOException {
        try (PEMParser parser = new PEMParser(reader)) {
            Object parsed = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            return switch (parsed) {
                case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case null, default -> throw new IllegalArgumentException("no unencrypted private key in " + source);
            };
        }
    }

    public static TlsIdentity identity(Path certificateChain, Path privateKey) {
        return new TlsIdentity(privateKey(privateKey), certificates(certificateChain));
    }

    /** Certificates or keys as PEM text. */
    public static String encode(Object... objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                // keys as PKCS#8 ("PRIVATE KEY"), the form every TLS stack reads
                writer.writeObject(o instanceof PrivateKey key ? new JcaPKCS8Generator(key, null) : o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
