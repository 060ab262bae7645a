package dev.adit.cli;

import java.security.SecureRandom;
import java.util.List;

/** Readable random tunnel names, like quiet-river-4821, for when no --subdomain is given. */
final class TunnelNameGenerator {
    private static final List<String> ADJECTIVES = List.of("quiet", "brave", "calm", "swift", "bright", "gentle", "bold",
            "clever", "happy", "lucky", "misty", "proud", "rapid", "silent", "sunny", "wild");
    private static final List<String> NOUNS = List.of("river", "forest", "meadow", "canyon", "harbor", "island", "valley",
            "summit", "comet", "falcon", "otter", "maple", "cedar", "breeze", "ember", "glacier");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TunnelNameGenerator() {
    }

    static String next() {
        return ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "-" + NOUNS.get(RANDOM.nextInt(NOUNS.size()))
                + "-" + (1000 + RANDOM.nextInt(9000));
    }
}
