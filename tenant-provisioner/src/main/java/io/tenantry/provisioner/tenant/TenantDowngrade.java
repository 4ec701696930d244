package io.tenantry.provisioner.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.flywaydb.core.api.MigrationVersion;

import io.tenantry.common.OrgId;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.schema.Inverses;
import io.tenantry.schema.ResultsSchema;

/**
 * Takes a tenant database back to an older results schema version, which Flyway Community cannot: the hand-written
 * inverses of the applied migrations above that version, newest first, and the removal of their rows from Flyway's
 * history, in one transaction. A failing inverse leaves the database as it was; a finished downgrade leaves exactly
 * what migrating to that version would have.
 */
@ApplicationScoped
public class TenantDowngrade {

    /** A finished downgrade: the version before and after, and the migrations undone, newest first. */
    public record Result(String fromVersion, String toVersion, List<String> undone, int durationMs) {

        /** How the registry and a rollout record it. */
        TenantMigrations.Migration asMigration() {
            return new TenantMigrations.Migration(toVersion, "downgraded from " + fromVersion, durationMs);
        }
    }

    private record Applied(int installedRank, String version, String script) {
    }

    /** Refuses, as bad input, a target version that is not a migration this build carries. */
    public static void requireReleased(String targetVersion) {
        if (!ResultsSchema.isReleasedVersion(targetVersion)) {
            throw ApiProblem.invalid("targetVersion",
                    "must be a released results schema version, 1 to " + ResultsSchema.NEWEST_VERSION);
        }
    }

    /**
     * Downgrades the tenant's database, over an admin connection to it, to {@code targetVersion}, finding each inverse
     * beside the migration's location among {@code locations}. A tenant already at the target is left alone; one below
     * it, or a migration without an inverse, is refused before anything changes.
     */
    Result downgrade(Connection c, OrgId orgId, String targetVersion, List<String> locations) throws SQLException {
        requireReleased(targetVersion);
        long start = System.nanoTime();
        c.setAutoCommit(false);
        try {
            Result result = undoAbove(c, orgId, targetVersion, locations, start);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private Result undoAbove(Connection c, OrgId orgId, String target, List<String> locations, long start)
            throws SQLException {
        // Flyway reads the history before it migrates: a concurrent migrate waits and then sees the downgrade.
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE flyway_schema_history IN ACCESS EXCLUSIVE MODE");
        }
        List<Applied> applied = applied(c);
        MigrationVersion targetVersion = MigrationVersion.fromVersion(target);
        String current = applied.isEmpty() ? null : applied.get(0).version();
        if (current == null || MigrationVersion.fromVersion(current).compareTo(targetVersion) < 0) {
            throw ApiProblem.conflict(orgId + " is at version " + current + ", below " + target
                    + ": a downgrade only goes down; a rollout to version " + target + " brings it up");
        }
        List<Applied> above = applied.stream()
                .filter(a -> MigrationVersion.fromVersion(a.version()).compareTo(targetVersion) > 0).toList();
        List<String> inverses = new ArrayList<>();
        for (Applied migration : above) {
            inverses.add(inverseOf(migration, locations).orElseThrow(() -> ApiProblem.unprocessable(
                    "migration " + migration.script() + " has no inverse " + Inverses.nameFor(migration.script())
                            + " beside it in " + locations + ", so " + orgId + " cannot go below version "
                            + migration.version() + "; nothing was changed")));
        }
        try (Statement s = c.createStatement();
             PreparedStatement history = c.prepareStatement(
                     "DELETE FROM flyway_schema_history WHERE installed_rank = ?")) {
            for (int i = 0; i < above.size(); i++) {
                Applied migration = above.get(i);
                try {
                    s.execute(inverses.get(i));
                } catch (SQLException e) {
                    throw ApiProblem.conflict(Inverses.nameFor(migration.script()) + " failed on " + orgId + " ("
                            + e.getSQLState() + ": " + e.getMessage() + "); it stays at version " + current);
                }
                history.setInt(1, migration.installedRank());
                history.executeUpdate();
            }
        }
        return new Result(current, above.isEmpty() ? current : target,
                above.stream().map(Applied::script).toList(),
                (int) ((System.nanoTime() - start) / 1_000_000));
    }

    /** The successfully applied versioned migrations, newest first. */
    private static List<Applied> applied(Connection c) throws SQLException {
        List<Applied> applied = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT installed_rank, version, script FROM flyway_schema_history
                 WHERE success AND version IS NOT NULL""")) {
            while (rs.next()) {
                applied.add(new Applied(rs.getInt(1), rs.getString(2), rs.getString(3)));
            }
        }
        applied.sort((a, b) -> MigrationVersion.fromVersion(b.version())
                .compareTo(MigrationVersion.fromVersion(a.version())));
        return applied;
    }

    private static Optional<String> inverseOf(Applied migration, List<String> locations) {
        return locations.stream().map(location -> Inverses.read(location, migration.script()))
                .flatMap(Optional::stream).findFirst();
    }
}
