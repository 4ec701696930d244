package io.tenantry.provisioner.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tables of a tenant database that hold its data (schema {@code public}, all but Flyway's history), each with
 * the columns a COPY carries, in load order: every table after the tables its foreign keys reference.
 */
public final class TenantTables {

    public record Table(String name, List<String> columns) {
    }

    private TenantTables() {
    }

    public static List<Table> read(Connection c) throws SQLException {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT t.relname, a.attname
                  FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
                                     AND a.attgenerated = ''
                 WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p') AND t.relname <> 'flyway_schema_history'
                 ORDER BY t.relname, a.attnum""")) {
            while (rs.next()) {
                columns.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        Map<String, Set<String>> references = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT t.relname, r.relname
                  FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
                  JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE k.contype = 'f' AND n.nspname = 'public' AND t.oid <> r.oid""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                references.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
            }
        }
        List<Table> ordered = new ArrayList<>();
        Set<String> placed = new HashSet<>();
        TreeSet<String> waiting = new TreeSet<>(columns.keySet());
        while (!waiting.isEmpty()) {
            String next = waiting.stream()
                    .filter(t -> placed.containsAll(references.getOrDefault(t, Set.of()).stream()
                            .filter(columns::containsKey).toList()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("foreign keys form a cycle among " + waiting));
            waiting.remove(next);
            placed.add(next);
            ordered.add(new Table(next, List.copyOf(columns.get(next))));
        }
        return ordered;
    }
}
