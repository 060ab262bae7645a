package dev.adit.functions.tunnels;

import java.util.List;

/** One page of an organization's tunnels; {@code next_cursor} is null on the last page. */
public record TunnelPage(List<Tunnel> tunnels, String nextCursor) {
}
