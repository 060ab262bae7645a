package dev.adit.events.table;

/**
 * Partition and sort key values of every item type, in one place so the control API, the edges
 * and the stream consumers agree on them. docs/data-model.md lists the same table.
 */
public final class Keys {
    private Keys() {
    }

    public static final String TUNNEL_SK = "TUNNEL";
    public static final String NAME_SK = "NAME";
    public static final String PRESENCE_SK_PREFIX = "PRESENCE#";

    public static final String ORG_SK = "ORG";

    /** The organization item: name, plan and the usage counters the edges add to. */
    public static String orgPk(String organizationId) {
        return "ORG#" + organizationId;
    }

    public static String tunnelPk(String tunnelId) {
        return "TUNNEL#" + tunnelId;
    }

    /** The reservation that makes a tunnel name unique in the whole environment. */
    public static String namePk(String tunnelName) {
        return "NAME#" + tunnelName;
    }

    /** GSI1 partition of one organization's tunnels, sorted by creation. */
    public static String orgTunnelsGsi(String organizationId) {
        return "ORG#" + organizationId + "#TUNNELS";
    }

    /** GSI1 partition of the names one organization holds. */
    public static String orgNamesGsi(String organizationId) {
        return "ORG#" + organizationId + "#NAMES";
    }

    /** GSI1 partition of one organization's finalized (deleted) tunnels. */
    public static String orgDeletedGsi(String organizationId) {
        return "ORG#" + organizationId + "#DELETED";
    }

    /** GSI1 partition of one organization's live agent connections. */
    public static String orgPresenceGsi(String organizationId) {
        return "ORG#" + organizationId + "#PRESENCE";
    }

    public static String presenceSk(String connectionId) {
        return PRESENCE_SK_PREFIX + connectionId;
    }
}
