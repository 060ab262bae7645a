package dev.adit.edge.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** The key and certificate chain (leaf first) the agent listener presents. */
public record TlsIdentity(PrivateKey key, List<X509Certificate> chain) {
    public TlsIdentity {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a TLS identity needs at least its own certificate");
        }
        chain = List.copyOf(chain);
    }

    /** An identity from PEM files: the certificate chain (leaf first) and its unencrypted private key. */
    public static TlsIdentity fromPem(java.nio.file.Path certificateChain, java.nio.file.Path privateKey) {
        return new TlsIdentity(dev.adit.pki.Pem.privateKey(privateKey), dev.adit.pki.Pem.certificates(certificateChain));
    }

    public SslContext serverContext() {
        try {
            return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                    .sslProvider(dev.adit.io.Tls.provider())
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the agent listener's TLS context", e);
        }
    }

    @Override
    public String toString() {
        return "TlsIdentity[" + chain.getFirst().getSubjectX500Principal() + "]";
    }
}
