package dev.adit.functions.platform;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The API shows instants as ISO 8601 UTC with millisecond precision; the table stores epoch ms. */
public final class Times {
    private Times() {
    }

    public static String iso(long epochMillis) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(epochMillis).truncatedTo(ChronoUnit.MILLIS));
    }

    public static String isoOrNull(Long epochMillis) {
        return epochMillis == null ? null : iso(epochMillis.longValue());
    }
}
