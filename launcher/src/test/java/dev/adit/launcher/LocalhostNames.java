package dev.adit.launcher;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Resolves {@code NAME.localhost} to the loopback address in the test JVM, as browsers, curl and
 * systemd-resolved do (RFC 6761 section 6.3), so the JDK's HttpClient can reach
 * {@code https://NAME.localhost:PORT/} like a visitor, with SNI and hostname checks on that name.
 * Every other name goes to the JDK's own resolver. Registered in
 * {@code META-INF/services/java.net.spi.InetAddressResolverProvider}.
 */
public final class LocalhostNames extends InetAddressResolverProvider {
    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (host.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
                    boolean v4 = (policy.characteristics() & LookupPolicy.IPV4) != 0;
                    return Stream.of(InetAddress.getByAddress(host, v4 ? new byte[]{127, 0, 0, 1}
                            : new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "adit-test-localhost-names";
    }
}
