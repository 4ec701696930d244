package io.tenantry.results.store;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.revocation.NotValidBefore;
import io.tenantry.common.revocation.RevocationSource;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/** metadata-service's table of revoked token times, read over the reactive metadata pool. */
@ApplicationScoped
public class RevocationStore implements RevocationSource {

    @Inject
    MetadataDatabase metadata;

    @Override
    public Uni<List<Changed>> changedSince(OffsetDateTime since) {
        Uni<RowSet<Row>> rows = since == null ? metadata.query(SELECT)
                : metadata.query(SELECT + " WHERE changed_at > $1", Tuple.of(since));
        return rows.map(found -> {
            List<Changed> changed = new ArrayList<>();
            for (Row row : found) {
                NotValidBefore.Scope scope = NotValidBefore.Scope.fromWire(row.getString(0)).orElseThrow();
                changed.add(new Changed(new NotValidBefore(scope, row.getString(1), row.getLong(2)),
                        row.getOffsetDateTime(3)));
            }
            return changed;
        });
    }
}
