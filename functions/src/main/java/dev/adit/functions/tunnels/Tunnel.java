package dev.adit.functions.tunnels;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.adit.events.tunnels.TunnelItem;
import dev.adit.events.tunnels.TunnelStatus;
import dev.adit.functions.platform.Times;

import java.time.Instant;

/**
 * A tunnel: its name, TLS mode, lifecycle status and certificate, when an agent last connected and
 * whether one is connected now, and the public URL. {@code connect_secret} appears only in the
 * answers to create and regenerate-token: it is never stored in clear.
 */
public record Tunnel(String id, String organizationId, String tunnelName, String description, String tlsMode,
                     String certPem, String certFingerprintSha256, String certExpiresAt, String status,
                     String lastConnectedAt, String lastConnectedIpAddr, String restoreDeadlineAt,
                     boolean currentlyConnected, String createdAt, String updatedAt, String url, String domain,
                     @JsonInclude(JsonInclude.Include.NON_NULL) String connectSecret) {

    @Override
    public String toString() {
        return "Tunnel[id=" + id + ", name=" + tunnelName + ", status=" + status + "]";
    }

    /** The status a reader must see: a delete_pending tunnel past its deadline is deleted, swept or not. */
    public static TunnelStatus effectiveStatus(TunnelItem item, Instant now) {
        TunnelStatus stored = TunnelStatus.fromWire(item.getStatus()).orElse(TunnelStatus.DELETED);
        if (stored == TunnelStatus.DELETE_PENDING
                && (item.getRestoreDeadlineAt() == null || item.getRestoreDeadlineAt() <= now.toEpochMilli())) {
            return TunnelStatus.DELETED;
        }
        return stored;
    }

    static Tunnel of(TunnelItem item, boolean connected, Instant now, TunnelSettings settings) {
        TunnelStatus status = effectiveStatus(item, now);
        return new Tunnel(item.getId(), item.getOrganizationId(), item.getTunnelName(), item.getDescription(),
                item.getTlsMode(), item.getCertPem(), item.getCertFingerprintSha256(), Times.isoOrNull(item.getCertExpiresAt()),
                status.wireName(), Times.isoOrNull(item.getLastConnectedAt()), item.getLastConnectedIpAddr(),
                status == TunnelStatus.DELETE_PENDING ? Times.isoOrNull(item.getRestoreDeadlineAt()) : null,
                connected && status.routable(), Times.isoOrNull(item.getCreatedAt()), Times.isoOrNull(item.getUpdatedAt()),
                settings.urlFor(item.getTunnelName(), item.getTlsMode()), settings.domain(), null);
    }

    Tunnel withConnectSecret(String secret) {
        return new Tunnel(id, organizationId, tunnelName, description, tlsMode, certPem, certFingerprintSha256,
                certExpiresAt, status, lastConnectedAt, lastConnectedIpAddr, restoreDeadlineAt, currentlyConnected,
                createdAt, updatedAt, url, domain, secret);
    }
}
