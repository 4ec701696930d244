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

    /**
     * The structure of schema {@code public} as sorted lines, for comparing two databases or one database over time:
     * tables and sequences, columns (in order, with type, nullability, default and identity), constraints, indexes,
     * triggers and functions. Flyway's history table is left out; rows and sequence values are not structure.
     */
    public static List<String> catalog(Connection c) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     WITH rel AS (
                         SELECT c.oid, c.relname, c.relkind FROM pg_class c
                           JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE n.nspname = 'public' AND c.relname NOT LIKE 'flyway_schema_history%')
                     SELECT 'relation ' || relname || ' kind=' || relkind::text FROM rel WHERE relkind <> 'i'
                     UNION ALL
                     SELECT 'column ' || rel.relname || ' #' || row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum)
                            || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                            || ' notnull=' || a.attnotnull || ' identity=' || a.attidentity::text
                            || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
                       FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid
                       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                      WHERE rel.relkind IN ('r', 'p', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped
                     UNION ALL
                     SELECT 'constraint ' || rel.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid)
                       FROM rel JOIN pg_constraint con ON con.conrelid = rel.oid
                     UNION ALL
                     SELECT 'index ' || rel.relname || ' ' || pg_get_indexdef(rel.oid) FROM rel WHERE relkind = 'i'
                     UNION ALL
                     SELECT 'trigger ' || rel.relname || ' ' || pg_get_triggerdef(t.oid)
                       FROM rel JOIN pg_trigger t ON t.tgrelid = rel.oid WHERE NOT t.tgisinternal
                     UNION ALL
                     SELECT 'function ' || pg_get_functiondef(p.oid)
                       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
                     ORDER BY 1""")) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return lines;
    }
}
