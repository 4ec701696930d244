package io.tenantry.results.store;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/** The SQL of docking results in one tenant's database. Every query is backed by an index on its filter and sort. */
public final class DockingResultStore {

    private DockingResultStore() {
    }

    /** Where a page starts: after the row with this score and id, in ascending score order. */
    public record After(double score, long id) {
    }

    /** One docked molecule as a worker reports it; a lower score binds better. */
    public record NewResult(@NotNull UUID moleculeId, @NotNull Double score, @Positive Integer rank,
                            @NotNull JsonNode poses) {
    }

    /** The filters of a job's results; null means no filter. */
    public record JobFilter(UUID moleculeId, Double minScore, Double maxScore) {
    }

    /** Stores the whole batch in one statement and one round trip, whatever its size. */
    public static Uni<Integer> insert(SqlConnection c, UUID jobId, List<NewResult> results) {
        int n = results.size();
        UUID[] molecules = new UUID[n];
        Double[] scores = new Double[n];
        Integer[] ranks = new Integer[n];
        String[] poses = new String[n];
        for (int i = 0; i < n; i++) {
            NewResult r = results.get(i);
            molecules[i] = r.moleculeId();
            scores[i] = r.score();
            ranks[i] = r.rank();
            poses[i] = r.poses().toString();
        }
        return c.preparedQuery("""
                        INSERT INTO docking_results (job_id, molecule_id, score, rank, poses, created_at)
                        SELECT $1, m, s, r, p::jsonb, now()
                          FROM unnest($2::uuid[], $3::float8[], $4::int4[], $5::text[]) AS t(m, s, r, p)""")
                .execute(Tuple.of(jobId, molecules, scores, ranks, poses))
                .map(RowSet::rowCount);
    }

    public static Uni<List<DockingResultView>> ofJob(SqlConnection c, UUID jobId, JobFilter filter, After after,
                                                     int fetch) {
        List<Object> params = new ArrayList<>(List.of(jobId));
        StringBuilder sql = new StringBuilder("SELECT " + DockingResultView.COLUMNS
                + " FROM docking_results WHERE job_id = $1");
        if (filter.moleculeId() != null) {
            params.add(filter.moleculeId());
            sql.append(" AND molecule_id = $").append(params.size());
        }
        if (filter.minScore() != null) {
            params.add(filter.minScore());
            sql.append(" AND score >= $").append(params.size());
        }
        if (filter.maxScore() != null) {
            params.add(filter.maxScore());
            sql.append(" AND score <= $").append(params.size());
        }
        return page(c, sql, params, after, fetch);
    }

    public static Uni<List<DockingResultView>> ofMolecule(SqlConnection c, UUID moleculeId, After after, int fetch) {
        List<Object> params = new ArrayList<>(List.of(moleculeId));
        StringBuilder sql = new StringBuilder("SELECT " + DockingResultView.COLUMNS
                + " FROM docking_results WHERE molecule_id = $1");
        return page(c, sql, params, after, fetch);
    }

    private static Uni<List<DockingResultView>> page(SqlConnection c, StringBuilder sql, List<Object> params,
                                                     After after, int fetch) {
        if (after != null) {
            params.add(after.score());
            params.add(after.id());
            sql.append(" AND (score, id) > ($").append(params.size() - 1).append(", $").append(params.size())
                    .append(')');
        }
        params.add(fetch);
        sql.append(" ORDER BY score, id LIMIT $").append(params.size());
        return c.preparedQuery(sql.toString()).execute(Tuple.tuple(params)).map(rows -> {
            List<DockingResultView> results = new ArrayList<>(rows.size());
            for (Row row : rows) {
                results.add(DockingResultView.of(row));
            }
            return results;
        });
    }
}
