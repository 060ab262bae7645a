package dev.adit.functions.tunnels;

import dev.adit.events.tunnels.TunnelItem;
import dev.adit.events.tunnels.TunnelStatus;

import java.time.Duration;
import java.time.Instant;

/**
 * What is left of a finalized tunnel: enough for GET to answer "deleted" and restore to answer 409,
 * nothing secret, and out of the organization's listing (its GSI1 key moves to the organization's
 * deleted tunnels).
 */
public final class Tombstones {
    private Tombstones() {
    }

    public static TunnelItem of(TunnelItem tunnel, Instant now, Duration retention) {
        TunnelItem t = new TunnelItem();
        t.setPk(tunnel.getPk());
        t.setSk(tunnel.getSk());
        t.setId(tunnel.getId());
        t.setOrganizationId(tunnel.getOrganizationId());
        t.setTunnelName(tunnel.getTunnelName());
        t.setDescription(tunnel.getDescription());
        t.setTlsMode(tunnel.getTlsMode());
        t.setStatus(TunnelStatus.DELETED.wireName());
        t.setGsi1pk(dev.adit.events.table.Keys.orgDeletedGsi(tunnel.getOrganizationId()));
        t.setGsi1sk(now.toEpochMilli() + "#" + tunnel.getId());
        t.setLastConnectedAt(tunnel.getLastConnectedAt());
        t.setLastConnectedIpAddr(tunnel.getLastConnectedIpAddr());
        t.setCreatedAt(tunnel.getCreatedAt());
        t.setUpdatedAt(now.toEpochMilli());
        t.setExpiresAt(now.plus(retention).getEpochSecond());
        return t;
    }
}
