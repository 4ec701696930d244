package io.tenantry.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What {@code tenantry login} keeps in the configuration directory ({@code $TENANTRY_CONFIG_DIR}, else
 * {@code ~/.config/tenantry}): the services' URLs, who logged in and how, and the access token until it expires.
 * {@code expiresAt} is in seconds since the epoch. The file is readable by its owner alone (0600), in a directory only its owner may enter (0700). No password or
 * client secret is kept.
 */
record Session(String metadataUrl, String provisionerUrl, String grant, String principal, String orgId,
               String accessToken, long expiresAt) {

    static final String FILE = "session.json";
    static final String PASSWORD_GRANT = "password";
    static final String CLIENT_GRANT = "client_credentials";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path directory(Map<String, String> env) {
        String configured = env.get("TENANTRY_CONFIG_DIR");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("tenantry");
    }

    /** Expired, or expiring within the next half minute (a command should not fail half way through). */
    boolean expired() {
        return Instant.now().plusSeconds(30).getEpochSecond() > expiresAt;
    }

    Session withToken(String token, long expiry) {
        return new Session(metadataUrl, provisionerUrl, grant, principal, orgId, token, expiry);
    }

    static Optional<Session> load(Path directory) {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Session.class));
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.NOT_AUTHENTICATED, file + " is not readable (" + e.getMessage()
                    + "); run tenantry login again");
        }
    }

    void save(Path directory) {
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Path file = directory.resolve(FILE);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException kept) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean delete(Path directory) {
        try {
            return Files.deleteIfExists(directory.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
