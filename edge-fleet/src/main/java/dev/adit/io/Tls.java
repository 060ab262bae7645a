package dev.adit.io;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * The TLS engine of edges and agents: BoringSSL through netty-tcnative where it loads (every byte
 * of the agent link is encrypted, and the JDK's SSLEngine costs several times more CPU per record
 * and more heap per connection), the JDK's engine anywhere else. {@code -Dadit.tls=jdk} forces the
 * JDK engine.
 */
public final class Tls {
    private static final boolean OPENSSL = !"jdk".equals(System.getProperty("adit.tls")) && OpenSsl.isAvailable();

    private Tls() {
    }

    public static SslProvider provider() {
        return OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    public static String name() {
        return OPENSSL ? "openssl " + OpenSsl.versionString() : "jdk";
    }
}
