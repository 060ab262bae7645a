package dev.adit.edge.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pair in two PEM files, as certbot, an operator or a secret store's sidecar writes them. The
 * version is both files' modification times: a renewal rewrites them, and nothing else needs reading
 * to tell.
 */
public record PemFiles(Path chain, Path key) implements CertificateSource {
    @Override
    public Pems read() {
        try {
            // times first: a file rewritten while it is read gets a newer time, so it is read again next time
            String version = Files.getLastModifiedTime(chain) + "/" + Files.getLastModifiedTime(key);
            return new Pems(version, Files.readString(chain, StandardCharsets.US_ASCII), Files.readString(key, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return chain + " / " + key;
    }
}
