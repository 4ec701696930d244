package io.tenantry.provisioner.tenant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.flywaydb.core.api.MigrationVersion;

import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.schema.ResultsSchema;

/** Where tenant databases' migrations come from: the released results schema, and staged migrations if any. */
@ApplicationScoped
public class ResultsMigrations {

    static final String FILESYSTEM = "filesystem:";
    private static final Pattern VERSIONED = Pattern.compile("^V([0-9][0-9_.]*)__.+\\.sql$");

    @Inject
    ProvisionerConfig config;

    public List<String> locations() {
        return config.stagedResultsMigrations()
                .map(staged -> List.of(ResultsSchema.LOCATION, staged))
                .orElse(List.of(ResultsSchema.LOCATION));
    }

    /**
     * The newest version the locations hold: the released schema's, or a staged file's above it; empty when a
     * staged location is not a folder this can list (then no rollout answers from the registry).
     */
    public Optional<String> newestVersion() {
        MigrationVersion newest = MigrationVersion.fromVersion(ResultsSchema.NEWEST_VERSION);
        Optional<String> staged = config.stagedResultsMigrations();
        if (staged.isPresent()) {
            if (!staged.get().startsWith(FILESYSTEM)) {
                return Optional.empty();
            }
            try (Stream<Path> files = Files.list(Path.of(staged.get().substring(FILESYSTEM.length())))) {
                for (Path file : files.toList()) {
                    Matcher versioned = VERSIONED.matcher(file.getFileName().toString());
                    if (versioned.matches()) {
                        MigrationVersion version = MigrationVersion.fromVersion(versioned.group(1).replace('_', '.'));
                        newest = version.compareTo(newest) > 0 ? version : newest;
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.of(newest.getVersion());
    }
}
