package io.tenantry.provisioner.tenant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/**
 * The versioned migrations each list of locations holds, as Flyway last listed them, so that planning a tenant's
 * migration needs one query of its schema history. Without it every tenant of a rollout, a drift check or a health
 * collection had Flyway configure itself and read the locations again: about 80 % of the provisioner's CPU in a drift
 * check over 1,000 tenants. A listing is kept while the locations' files are unchanged (a staged folder's names,
 * sizes and modification times; the packaged schema does not change while the process runs).
 */
@ApplicationScoped
class AvailableMigrations {

    private static final String UNDEFINED_TABLE = "42P01";

    private final Map<List<String>, Listing> listings = new ConcurrentHashMap<>();

    /** What the locations {@linkplain #stamp stamped} so hold, when Flyway listed them so and found only versioned files. */
    Optional<Listing> of(List<String> locations, String stamp) {
        Listing listing = listings.get(locations);
        return listing != null && listing.stamp().equals(stamp) && listing.versions() != null
                ? Optional.of(listing) : Optional.empty();
    }

    /** Keeps what Flyway's look at one database found resolved at the locations (stamped before that look). */
    void remember(List<String> locations, String stamp, MigrationInfo[] infos) {
        List<MigrationVersion> versions = new ArrayList<>();
        for (MigrationInfo info : infos) {
            if (info.getState().isResolved()) {
                if (info.getVersion() == null) {
                    // A repeatable migration: its checksum decides whether it runs again, which only Flyway compares.
                    listings.put(List.copyOf(locations), new Listing(stamp, null));
                    return;
                }
                versions.add(info.getVersion());
            }
        }
        listings.put(List.copyOf(locations), new Listing(stamp, List.copyOf(versions)));
    }

    /** What identifies the locations' contents: the files of staged folders, and the packaged locations' names. */
    String stamp(List<String> locations) {
        StringBuilder stamp = new StringBuilder();
        for (String location : locations) {
            stamp.append(location).append('\n');
            if (location.startsWith(ResultsMigrations.FILESYSTEM)) {
                try (Stream<Path> files = Files.list(Path.of(location.substring(ResultsMigrations.FILESYSTEM.length())))) {
                    stamp.append(files.map(AvailableMigrations::describe).sorted().collect(Collectors.joining("\n")));
                } catch (IOException | UncheckedIOException e) {
                    stamp.append("unreadable ").append(System.nanoTime());
                }
            }
        }
        return stamp.toString();
    }

    private static String describe(Path file) {
        try {
            return file.getFileName() + " " + Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The versions the locations hold; null when they also hold a repeatable migration. */
    record Listing(String stamp, List<MigrationVersion> versions) {

        /**
         * The plan Flyway's look would make, from the tenant's schema history: the newest version applied, and whether
         * a migration is pending (held, not applied, above it and not above the target) or the schema is above the
         * target. Empty, for Flyway to look itself, when the history is not plain: missing, in a transaction the
         * caller holds, or with a failed or non-SQL entry.
         */
        Optional<TenantMigrations.Plan> plan(Connection c, String targetVersion) throws SQLException {
            if (!c.getAutoCommit()) {
                return Optional.empty();
            }
            TreeSet<MigrationVersion> applied = new TreeSet<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(
                         "SELECT version, type, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
                while (rs.next()) {
                    if (!"SQL".equals(rs.getString(2)) || !rs.getBoolean(3)) {
                        return Optional.empty();
                    }
                    applied.add(MigrationVersion.fromVersion(rs.getString(1)));
                }
            } catch (SQLException e) {
                if (UNDEFINED_TABLE.equals(e.getSQLState())) {
                    return Optional.empty();
                }
                throw e;
            }
            MigrationVersion current = applied.isEmpty() ? null : applied.last();
            MigrationVersion target = targetVersion == null ? null : MigrationVersion.fromVersion(targetVersion);
            boolean pending = versions.stream().anyMatch(v -> !applied.contains(v)
                    && (current == null || v.compareTo(current) > 0)
                    && (target == null || v.compareTo(target) <= 0));
            String version = current == null ? null : current.getVersion();
            return Optional.of(new TenantMigrations.Plan(version, TenantMigrations.isAbove(version, targetVersion) || pending));
        }
    }
}
