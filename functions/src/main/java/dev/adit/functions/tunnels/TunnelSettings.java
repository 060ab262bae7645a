package dev.adit.functions.tunnels;

import java.time.Duration;

/**
 * @param domain            the public domain tunnels live under ({@code {name}.{domain}})
 * @param urlTemplate       the public URL of an edge-mode tunnel, {@code {name}} in it, e.g. {@code https://{name}.example.com}
 * @param tlsUrlTemplate    the same for passthrough tunnels, which are always reached over TLS
 * @param gracePeriod       how long a deleted tunnel can be restored (24 h; seconds in tests)
 * @param tombstoneRetention how long a finalized tunnel still answers GET with status deleted
 */
public record TunnelSettings(String domain, String urlTemplate, String tlsUrlTemplate, Duration gracePeriod,
                             Duration tombstoneRetention) {
    public String urlFor(String tunnelName, String tlsMode) {
        String template = dev.adit.events.tunnels.TlsMode.PASSTHROUGH.wireName().equals(tlsMode) ? tlsUrlTemplate : urlTemplate;
        return template.replace("{name}", tunnelName);
    }
}
