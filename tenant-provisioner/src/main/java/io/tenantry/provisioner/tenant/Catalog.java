package io.tenantry.provisioner.tenant;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** What a server's catalogue says exists, asked on an administrative connection before anything is created. */
final class Catalog {

    private Catalog() {
    }

    static boolean hasRole(Connection c, String role) throws SQLException {
        return exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role);
    }

    static boolean hasDatabase(Connection c, String database) throws SQLException {
        return exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", database);
    }

    /** The role's own settings ({@code name=value}, set by {@code ALTER ROLE ... SET}); empty when it has none. */
    static List<String> roleSettings(Connection c, String role) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT rolconfig FROM pg_roles WHERE rolname = ?")) {
            s.setString(1, role);
            try (ResultSet rs = s.executeQuery()) {
                Array settings = rs.next() ? rs.getArray(1) : null;
                return settings == null ? List.of() : List.of((String[]) settings.getArray());
            }
        }
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
