package io.tenantry.servers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/** Where one PostgreSQL server answers, with credentials of a role that may create databases and roles. */
public record PostgresEndpoint(String name, String host, int port, String superuser, String superuserPassword) {

    private static final Pattern PLAIN_NAME = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), superuser, superuserPassword);
    }

    /** Creates the database unless it exists; the name is checked because CREATE DATABASE takes no parameters. */
    public void createDatabaseIfMissing(String database) {
        requirePlainName(database);
        try (Connection c = connect("postgres");
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                create.execute("CREATE DATABASE \"" + database + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database + " on " + name, e);
        }
    }

    /**
     * Makes {@code role} a login role with this password, creating it if missing: the metadata database's
     * migrations grant the service roles what they may do, and this lets the services sign in as them.
     */
    public void ensureLoginRole(String role, String password) {
        requirePlainName(role);
        try (Connection c = connect("postgres");
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            exists.setString(1, role);
            boolean missing;
            try (ResultSet rs = exists.executeQuery()) {
                missing = !rs.next();
            }
            try (Statement s = c.createStatement()) {
                s.execute((missing ? "CREATE ROLE \"" : "ALTER ROLE \"") + role + "\" LOGIN PASSWORD "
                        + s.enquoteLiteral(password));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not set up role " + role + " on " + name, e);
        }
    }

    private static void requirePlainName(String name) {
        if (!PLAIN_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain identifier: " + name);
        }
    }
}
