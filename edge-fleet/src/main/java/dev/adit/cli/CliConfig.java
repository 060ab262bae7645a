package dev.adit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The CLI's own file, {@code ~/.config/adit/config.json}, readable by its owner only: the API key
 * (or an OAuth access token with its refresh token)
 * and, per API and tunnel, the connect secret an agent needs (the API shows it only once).
 * {@code ADIT_CONFIG_DIR} moves it (tests, several accounts).
 */
public final class CliConfig {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final ObjectNode root;

    private CliConfig(Path file, ObjectNode root) {
        this.file = file;
        this.root = root;
    }

    public static Path defaultDirectory() {
        String override = System.getenv("ADIT_CONFIG_DIR");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return Path.of(System.getProperty("user.home"), ".config", "adit");
    }

    public static CliConfig load(Path directory) {
        Path file = directory.resolve("config.json");
        try {
            ObjectNode root = Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
            return new CliConfig(file, root);
        } catch (IOException | ClassCastException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage() + " (fix or delete it)");
        }
    }

    public Path file() {
        return file;
    }

    public Optional<String> apiKey() {
        return Optional.ofNullable(root.path("api_key").textValue());
    }

    /** Stores an API key; forgets any OAuth refresh token (the key replaces that login). */
    public void apiKeyOnly(String key) {
        root.put("api_key", key);
        root.remove("refresh_token");
        root.remove("access_token_expires_at");
    }

    /** Stores an OAuth login: the access token is used like a key until it expires, then refreshed. */
    public void oauthTokens(String accessToken, String refreshToken, java.time.Instant expiresAt) {
        root.put("api_key", accessToken);
        root.put("refresh_token", refreshToken);
        root.put("access_token_expires_at", expiresAt.getEpochSecond());
    }

    public Optional<String> refreshToken() {
        return Optional.ofNullable(root.path("refresh_token").textValue());
    }

    public Optional<java.time.Instant> accessTokenExpiresAt() {
        return root.path("access_token_expires_at").isNumber()
                ? Optional.of(java.time.Instant.ofEpochSecond(root.get("access_token_expires_at").asLong())) : Optional.empty();
    }

    public Optional<String> connectSecret(String apiUrl, String tunnelName) {
        return Optional.ofNullable(root.path("tunnels").path(apiUrl).path(tunnelName).textValue());
    }

    public void connectSecret(String apiUrl, String tunnelName, String secret) {
        ObjectNode tunnels = root.has("tunnels") ? (ObjectNode) root.get("tunnels") : root.putObject("tunnels");
        ObjectNode forApi = tunnels.has(apiUrl) ? (ObjectNode) tunnels.get(apiUrl) : tunnels.putObject(apiUrl);
        forApi.put(tunnelName, secret);
    }

    /** Written to a private temporary file and moved into place, so it is never readable by others, even briefly. */
    public void save() {
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), "config", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), root);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
