package io.tenantry.provisioner.jdbc;

import static io.tenantry.provisioner.jdbc.Statements.bind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.tenantry.common.problem.ApiProblem;

/**
 * One statement at a time on the provisioner's registry in the metadata database, each on its own connection and
 * committed at once (a checkpoint a restarted provisioner resumes from). Failures are unchecked.
 */
@ApplicationScoped
public class RegistrySql {

    @Inject
    AgroalDataSource metadata;

    /** Maps the current row of a result. */
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    public int update(String sql, Object... params) {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }

    /** Inserts a row that a unique index keeps to one at a time; a second is refused with 409 and {@code conflict}. */
    public void insertUnique(String conflict, String sql, Object... params) {
        try {
            update(sql, params);
        } catch (RegistryException e) {
            if (e.getCause() instanceof SQLException cause && "23505".equals(cause.getSQLState())) {
                throw ApiProblem.conflict(conflict);
            }
            throw e;
        }
    }

    public <T> List<T> list(String sql, Row<T> row, Object... params) {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(row.map(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }

    public static class RegistryException extends RuntimeException {
        public RegistryException(SQLException cause) {
            super("tenant registry: " + cause.getMessage(), cause);
        }
    }
}
