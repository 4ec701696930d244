package io.tenantry.provisioner.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant database's foreign keys and the indexes no constraint owns: what a bulk load drops first and makes again
 * after the rows (as pg_restore does), so each is built once over the whole table instead of row by row.
 */
public final class SecondaryStructures {

    private SecondaryStructures() {
    }

    /** Drops the foreign keys and secondary indexes; returns the DDL that makes them again, in order. */
    public static List<String> drop(Connection c) throws SQLException {
        Map<String, String> foreignKeys = foreignKeys(c);
        Map<String, String> indexes = indexes(c);
        try (Statement s = c.createStatement()) {
            for (String constraint : foreignKeys.keySet()) {
                String[] tableAndName = constraint.split("\\.", 2);
                s.execute("ALTER TABLE public." + Identifiers.quote(tableAndName[0]) + " DROP CONSTRAINT "
                        + Identifiers.quote(tableAndName[1]));
            }
            for (String index : indexes.keySet()) {
                s.execute("DROP INDEX public." + Identifiers.quote(index));
            }
        }
        List<String> rebuild = new ArrayList<>(indexes.values());
        rebuild.addAll(foreignKeys.values());
        return rebuild;
    }

    /** The DDL that gives {@code target} the secondary indexes and foreign keys {@code model} has and it lacks. */
    public static List<String> missing(Connection model, Connection target) throws SQLException {
        Map<String, String> indexes = indexes(model);
        indexes.keySet().removeAll(indexes(target).keySet());
        Map<String, String> foreignKeys = foreignKeys(model);
        foreignKeys.keySet().removeAll(foreignKeys(target).keySet());
        List<String> ddl = new ArrayList<>(indexes.values());
        ddl.addAll(foreignKeys.values());
        return ddl;
    }

    /** Foreign keys by {@code table.constraint}, each with the DDL that makes it. */
    private static Map<String, String> foreignKeys(Connection c) throws SQLException {
        Map<String, String> foreignKeys = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT t.relname, k.conname, pg_get_constraintdef(k.oid)
                  FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
                 WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace ORDER BY 1, 2""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                foreignKeys.put(rs.getString(1) + "." + rs.getString(2), "ALTER TABLE public."
                        + Identifiers.quote(rs.getString(1)) + " ADD CONSTRAINT " + Identifiers.quote(rs.getString(2))
                        + " " + rs.getString(3));
            }
        }
        return foreignKeys;
    }

    /** Indexes no constraint owns (Flyway's history left out), by name, each with its definition. */
    private static Map<String, String> indexes(Connection c) throws SQLException {
        Map<String, String> indexes = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT x.relname, pg_get_indexdef(i.indexrelid)
                  FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
                 WHERE x.relnamespace = 'public'::regnamespace AND t.relname <> 'flyway_schema_history'
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                                    WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
                 ORDER BY 1""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                indexes.put(rs.getString(1), rs.getString(2));
            }
        }
        return indexes;
    }
}
