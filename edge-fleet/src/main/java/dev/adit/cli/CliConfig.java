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

    public void apiKey(String key) {
        root.put("api_key", key);
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
