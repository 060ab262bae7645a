package dev.adit.functions.auth;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * argon2id password hashes in the PHC string format. The defaults are OWASP's minimum for
 * argon2id (19 MiB, 2 iterations, 1 lane); the parameters travel inside each hash, so they can be
 * raised later without breaking existing passwords.
 */
public final class PasswordHasher {
    public record Parameters(int memoryKiB, int iterations, int parallelism) {
        public static final Parameters OWASP = new Parameters(19 * 1024, 2, 1);
    }

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Parameters parameters;
    /** Verified against when the email is unknown, so a miss costs the same time as a wrong password. */
    private final String decoy;

    public PasswordHasher(Parameters parameters) {
        this.parameters = parameters;
        this.decoy = hash("decoy-password-for-unknown-accounts");
    }

    public String hash(String password) {
        byte[] salt = dev.adit.functions.platform.Ids.randomBytes(SALT_BYTES);
        byte[] out = derive(password, salt, parameters);
        return "$argon2id$v=19$m=" + parameters.memoryKiB() + ",t=" + parameters.iterations() + ",p=" + parameters.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    public boolean verify(String password, String phc) {
        Optional<Parsed> parsed = parse(phc);
        if (parsed.isEmpty()) {
            return false;
        }
        Parsed p = parsed.get();
        byte[] actual = derive(password, p.salt(), p.parameters());
        return MessageDigest.isEqual(actual, p.hash());
    }

    /** Burns the same work as a real verification; always false. */
    public boolean verifyAgainstDecoy(String password) {
        verify(password, decoy);
        return false;
    }

    private static byte[] derive(String password, byte[] salt, Parameters params) {
        Argon2Parameters argon = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(params.memoryKiB())
                .withIterations(params.iterations())
                .withParallelism(params.parallelism())
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(argon);
        byte[] out = new byte[HASH_BYTES];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    private record Parsed(Parameters parameters, byte[] salt, byte[] hash) {
    }

    private static Optional<Parsed> parse(String phc) {
        // $argon2id$v=19$m=19456,t=2,p=1$salt$hash
        if (phc == null) {
            return Optional.empty();
        }
        String[] parts = phc.split("\\$");
        if (parts.length != 6 || !"argon2id".equals(parts[1]) || !"v=19".equals(parts[2])) {
            return Optional.empty();
        }
        try {
            int m = 0, t = 0, p = 0;
            for (String kv : parts[3].split(",")) {
                String[] pair = kv.split("=");
                int v = Integer.parseInt(pair[1]);
                switch (pair[0]) {
                    case "m" -> m = v;
                    case "t" -> t = v;
                    case "p" -> p = v;
                    default -> {
                        return Optional.empty();
                    }
                }
            }
            return Optional.of(new Parsed(new Parameters(m, t, p), B64D.decode(parts[4]), B64D.decode(parts[5])));
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }
}
