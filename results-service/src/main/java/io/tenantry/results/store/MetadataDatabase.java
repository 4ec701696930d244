package io.tenantry.results.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Statements on the metadata database, each on a connection taken from the pool, never run on the pool itself:
 * vertx-sql-client 4.5's {@code Pool.query} leaves its wait timer running when opening a connection fails, and the
 * timer then fails the already answered request a second time ("Result is already complete", once per request
 * for as long as the database is away). Taking a connection first cancels the timer either way.
 */
@ApplicationScoped
public class MetadataDatabase {

    @Inject
    Pool metadata;

    public Uni<RowSet<Row>> query(String sql) {
        return metadata.withConnection(connection -> connection.query(sql).execute());
    }

    public Uni<RowSet<Row>> query(String sql, Tuple arguments) {
        return metadata.withConnection(connection -> connection.preparedQuery(sql).execute(arguments));
    }
}
