package io.tenantry.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Checks of a migrated schema that every service's migration tests share. */
public final class SchemaChecks {

    private SchemaChecks() {
    }

    /** Foreign keys whose columns do not lead any index, as {@code table(column numbers)}; empty when all do. */
    public static List<String> foreignKeysWithoutIndex(Connection c) throws SQLException {
        List<String> uncovered = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT conrelid::regclass || '(' || array_to_string(conkey, ',') || ')'
                       FROM pg_constraint fk
                      WHERE fk.contype = 'f'
                        AND NOT EXISTS (
                            SELECT 1 FROM pg_index i
                             WHERE i.indrelid = fk.conrelid
                               AND (i.indkey::int2[])[0:array_length(fk.conkey, 1) - 1] @> fk.conkey)""")) {
            while (rs.next()) {
                uncovered.add(rs.getString(1));
            }
        }
        return uncovered;
    }
}
