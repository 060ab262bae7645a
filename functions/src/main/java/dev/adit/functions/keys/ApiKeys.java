package dev.adit.functions.keys;

import dev.adit.events.secrets.SecretHashes;
import dev.adit.events.table.Keys;
import dev.adit.functions.platform.Ids;

import java.util.List;

/** The API key format of reference 001: {@code it_} and 16 base62 characters (about 95 bits). */
public final class ApiKeys {
    public static final String PREFIX = "it_";
    public static final int RANDOM_CHARS = 16;

    private ApiKeys() {
    }

    public record NewKey(String plaintext, ApiKeyItem item) {
        @Override
        public String toString() {
            return "NewKey[id=" + item.getId() + "]";
        }
    }

    public static boolean wellFormed(String candidate) {
        return candidate != null && candidate.length() == PREFIX.length() + RANDOM_CHARS
                && candidate.startsWith(PREFIX) && Ids.isBase62(candidate.substring(PREFIX.length()));
    }

    public static String masked(ApiKeyItem item) {
        return PREFIX + "***..." + item.getLastChars();
    }

    public static String pk(String plaintext) {
        return "KEY#" + SecretHashes.sha256Hex(plaintext);
    }

    public static String listingPartition(String organizationId, String userId) {
        return "KEYS#" + organizationId + "#" + userId;
    }

    /** A fresh key and the item that stores its hash; nothing is written yet. */
    public static NewKey generate(String userId, String organizationId, String name, List<String> permissions, long nowMillis) {
        String plaintext = PREFIX + Ids.base62(RANDOM_CHARS);
        ApiKeyItem item = new ApiKeyItem();
        item.setPk(pk(plaintext));
        item.setSk("KEY");
        item.setId("key_" + Ids.base62(16));
        item.setGsi1pk(listingPartition(organizationId, userId));
        item.setGsi1sk("KEY#" + item.getId());
        item.setName(name);
        item.setUserId(userId);
        item.setOrganizationId(organizationId);
        item.setPermissions(List.copyOf(permissions));
        item.setLastChars(plaintext.substring(plaintext.length() - 3));
        item.setCreatedAt(nowMillis);
        return new NewKey(plaintext, item);
    }

    static String orgKey(String organizationId) {
        return Keys.orgPk(organizationId);
    }
}
