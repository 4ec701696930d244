package io.tenantry.results.store;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** The SQL of a job's append-only timeline, the job_events table, in one tenant's database. */
public final class JobEventStore {

    private JobEventStore() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(long id, OffsetDateTime occurredAt, String kind, String message, @JsonRawValue String data) {
    }

    /** Appends an event; {@code data} is JSON text or null. */
    public static Uni<Void> append(SqlConnection c, UUID jobId, String kind, String message, String data) {
        return c.preparedQuery("""
                        INSERT INTO job_events (job_id, occurred_at, kind, message, data)
                        VALUES ($1, now(), $2, $3, $4::text::jsonb)""")
                .execute(Tuple.of(jobId, kind, message, data)).replaceWithVoid();
    }

    /** Up to {@code fetch} events after the one with id {@code after} (from the start when null), oldest first. */
    public static Uni<List<Event>> page(SqlConnection c, UUID jobId, Long after, int fetch) {
        return c.preparedQuery("""
                        SELECT id, occurred_at, kind, message, data::text FROM job_events
                         WHERE job_id = $1 AND id > $2 ORDER BY id LIMIT $3""")
                .execute(Tuple.of(jobId, after == null ? 0L : after, fetch))
                .map(rows -> {
                    List<Event> events = new ArrayList<>(rows.size());
                    rows.forEach(r -> events.add(new Event(r.getLong(0), r.getOffsetDateTime(1), r.getString(2),
                            r.getString(3), r.getString(4))));
                    return events;
                });
    }
}
