package io.tenantry.results.store;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** The idempotency_keys table of a tenant's database: each caller's keys and the first answer given to each. */
public final class IdempotencyStore {

    private IdempotencyStore() {
    }

    /** The answer recorded for a key, and the fingerprint of the request that first used it. */
    public record Recorded(String fingerprint, int status, String location, String body) {
    }

    /**
     * Takes the key for this transaction's write: true when it was free. A concurrent transaction holding the same
     * key makes this wait until it ends, then answers false if it committed.
     */
    public static Uni<Boolean> claim(SqlConnection c, String caller, String key, String fingerprint) {
        return c.preparedQuery("""
                        INSERT INTO idempotency_keys (caller, key, fingerprint, created_at) VALUES ($1, $2, $3, now())
                        ON CONFLICT (caller, key) DO NOTHING""")
                .execute(Tuple.of(caller, key, fingerprint))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Stores the answer to the claimed key, in the transaction that claimed it. */
    public static Uni<Void> record(SqlConnection c, String caller, String key, int status, String location,
                                   String body) {
        return c.preparedQuery("""
                        UPDATE idempotency_keys SET response_status = $3, location = $4, response_body = $5
                         WHERE caller = $1 AND key = $2""")
                .execute(Tuple.of(caller, key, (short) status, location, body))
                .replaceWithVoid();
    }

    public static Uni<Optional<Recorded>> find(SqlConnection c, String caller, String key) {
        return c.preparedQuery("""
                        SELECT fingerprint, response_status, location, response_body FROM idempotency_keys
                         WHERE caller = $1 AND key = $2""")
                .execute(Tuple.of(caller, key))
                .map(rows -> {
                    if (!rows.iterator().hasNext()) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new Recorded(row.getString(0), row.getInteger(1), row.getString(2),
                            row.getString(3)));
                });
    }

    /**
     * Forgets up to {@code batch} keys older than {@code retention}, skipping any another transaction holds, so
     * writes never wait on each other's pruning; a retry after that is a new request.
     */
    public static Uni<Void> forgetOlderThan(SqlConnection c, Duration retention, int batch) {
        return c.preparedQuery("""
                        DELETE FROM idempotency_keys WHERE ctid IN (
                            SELECT ctid FROM idempotency_keys WHERE created_at < now() - $1 * interval '1 millisecond'
                             LIMIT $2 FOR UPDATE SKIP LOCKED)""")
                .execute(Tuple.of(retention.toMillis(), batch))
                .replaceWithVoid();
    }
}
