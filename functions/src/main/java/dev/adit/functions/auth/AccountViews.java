package dev.adit.functions.auth;

/** What the account endpoints answer with (serialized snake_case). */
public final class AccountViews {
    private AccountViews() {
    }

    public record UserSummary(String id, String email, String name, String plan, String createdAt) {
    }

    public record Credentials(String apiKey, UserSummary user) {
        @Override
        public String toString() {
            return "Credentials[user=" + user.id() + "]";
        }
    }

    public record OrganizationSummary(String id, String name, String role) {
    }

    public record Usage(long tunnelsCreated, String dataTransferred, long dataTransferredBytes, long requestsServed) {
    }

    public record Profile(String id, String email, String name, String plan, String createdAt,
                          OrganizationSummary organization, Usage usage) {
    }

    /** Decimal units, as a person reads a data plan: 2400000000 bytes is "2.4 GB". */
    public static String humanBytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB", "EB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
