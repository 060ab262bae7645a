package dev.adit.functions.tunnels;

import java.time.Duration;

/**
 * @param domain            the public domain tunnels live under ({@code {name}.{domain}})
 * @param urlTemplate       the public URL with {@code {name}} in it, e.g. {@code https://{name}.example.com}
 * @param gracePeriod       how long a deleted tunnel can be restored (24 h; seconds in tests)
 * @param tombstoneRetention how long a finalized tunnel still answers GET with status deleted
 */
public record TunnelSettings(String domain, String urlTemplate, Duration gracePeriod, Duration tombstoneRetention) {
    public String urlFor(String tunnelName) {
        return urlTemplate.replace("{name}", tunnelName);
    }
}
