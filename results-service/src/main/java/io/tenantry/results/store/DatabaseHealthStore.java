package io.tenantry.results.store;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Tenant database health as the provisioner records it, read through the registry view it grants results-service
 * ({@code provisioner.org_database_health}): one organization's current snapshot, never a list.
 */
@ApplicationScoped
public class DatabaseHealthStore {

    @Inject
    MetadataDatabase metadata;

    /** The organization's newest snapshot; empty before its first measurement or once its tenant is deleted. */
    public Uni<Optional<DatabaseHealthView>> current(String orgId) {
        return metadata.query("SELECT " + DatabaseHealthView.COLUMNS
                        + " FROM provisioner.org_database_health WHERE org_id = $1", Tuple.of(orgId))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(DatabaseHealthView.of(rows.iterator().next())));
    }
}
