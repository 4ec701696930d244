package io.tenantry.provisioner.placement;

import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.provisioner.jdbc.RegistrySql;

/** Servers an operator closed to new tenants (to drain them), as {@code provisioner.server_states} records them. */
@ApplicationScoped
public class ServerStates {

    @Inject
    RegistrySql sql;

    public Set<String> closed() {
        return new HashSet<>(sql.list("SELECT server FROM provisioner.server_states WHERE closed", rs -> rs.getString(1)));
    }

    public void close(String server, String reason, String by) {
        set(server, true, reason, by);
    }

    public void open(String server, String by) {
        set(server, false, null, by);
    }

    private void set(String server, boolean closed, String reason, String by) {
        sql.update("""
                INSERT INTO provisioner.server_states (server, closed, reason, updated_by) VALUES (?, ?, ?, ?)
                ON CONFLICT (server) DO UPDATE SET closed = excluded.closed, reason = excluded.reason,
                                                   updated_by = excluded.updated_by, updated_at = now()""",
                server, closed, reason, by);
    }
}
