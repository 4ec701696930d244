package io.tenantry.common.revocation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/** The revocation table read over the service's JDBC data source; a service without one provides its own source. */
@DefaultBean
@ApplicationScoped
public class JdbcRevocationSource implements RevocationSource {

    @Inject
    Instance<DataSource> dataSource;

    @Override
    public Uni<List<Changed>> changedSince(OffsetDateTime since) {
        return Uni.createFrom().item(() -> read(since)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private List<Changed> read(OffsetDateTime since) {
        String sql = since == null ? SELECT : SELECT + " WHERE changed_at > ?";
        try (Connection c = dataSource.get().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            if (since != null) {
                s.setObject(1, since);
            }
            List<Changed> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    NotValidBefore.Scope scope = NotValidBefore.Scope.fromWire(rs.getString(1)).orElseThrow();
                    rows.add(new Changed(new NotValidBefore(scope, rs.getString(2), rs.getLong(3)),
                            rs.getObject(4, OffsetDateTime.class)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read token revocations: " + e.getMessage(), e);
        }
    }
}
