package io.tenantry.common.revocation;

import java.time.OffsetDateTime;
import java.util.List;

import io.smallrye.mutiny.Uni;

/** Where a service reads the table {@code token_revocations} of the metadata database. */
public interface RevocationSource {

    /** A row: the time taken back, and when the row last changed (by the database's clock). */
    record Changed(NotValidBefore notValidBefore, OffsetDateTime changedAt) {
    }

    /** Rows changed after {@code since}; every row when it is null. */
    Uni<List<Changed>> changedSince(OffsetDateTime since);

    String SELECT = "SELECT scope, key, extract(epoch FROM not_valid_before)::bigint, changed_at FROM token_revocations";
}
