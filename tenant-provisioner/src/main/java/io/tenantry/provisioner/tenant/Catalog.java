package io.tenantry.provisioner.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

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

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
