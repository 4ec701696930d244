package io.tenantry.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/** Writes a row of token_revocations as metadata-service does, for the tests of the services that read it. */
public final class TokenRevocationRows {

    private TokenRevocationRows() {
    }

    /**
     * Takes back the tokens of a subject or organization ({@code scope} "subject" or "organization") issued up to
     * now; returns the not-valid-before time in epoch seconds, the next whole second.
     */
    public static long revoke(Connection metadata, String scope, String key) throws SQLException {
        long notValidBefore = Instant.now().getEpochSecond() + 1;
        try (PreparedStatement s = metadata.prepareStatement("""
                INSERT INTO token_revocations (scope, key, not_valid_before) VALUES (?, ?, to_timestamp(?))
                ON CONFLICT (scope, key) DO UPDATE SET not_valid_before = excluded.not_valid_before, changed_at = now()""")) {
            s.setString(1, scope);
            s.setString(2, key);
            s.setLong(3, notValidBefore);
            s.executeUpdate();
        }
        return notValidBefore;
    }
}
