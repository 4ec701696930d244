-- results-service shows an organization's administrators their own tenant's current database health. It reads this
-- view, never the health tables: the measures, reasons and schema version, the ten largest tables and the tenant
-- role's own slowest statements (pg_stat_statements' normalized text, filtered by that role when collected), but not
-- the server's name or a failed collection's error, which are the operators'. The view runs with its owner's rights,
-- so the grant below is all results-service gets. Deleted tenants have no health to show.
CREATE VIEW org_database_health AS
SELECT h.org_id, s.collected_at, s.state, s.reasons, s.database_bytes, s.cache_hit_ratio, s.dead_tuples,
       s.connections, s.longest_transaction_seconds, s.lock_waits, s.slowest_statement_ms, s.schema_version,
       s.last_backup_at,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('schema', t -> 'schema', 'name', t -> 'name',
                                                     'totalBytes', t -> 'totalBytes', 'indexBytes', t -> 'indexBytes',
                                                     'liveTuples', t -> 'liveTuples', 'deadTuples', t -> 'deadTuples',
                                                     'lastVacuum', t -> 'lastVacuum',
                                                     'lastAutovacuum', t -> 'lastAutovacuum',
                                                     'lastAnalyze', t -> 'lastAnalyze',
                                                     'lastAutoanalyze', t -> 'lastAutoanalyze') ORDER BY n), '[]')
          FROM jsonb_array_elements(s.detail -> 'tables') WITH ORDINALITY AS tables (t, n)
         WHERE n <= 10) AS tables,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('query', q -> 'query', 'calls', q -> 'calls',
                                                     'meanMs', q -> 'meanMs', 'totalMs', q -> 'totalMs',
                                                     'rows', q -> 'rows') ORDER BY n), '[]')
          FROM jsonb_array_elements(s.detail -> 'statements') WITH ORDINALITY AS statements (q, n)) AS statements
  FROM tenant_health h
  JOIN tenants t ON t.org_id = h.org_id
  JOIN health_snapshots s ON s.id = h.snapshot_id
 WHERE t.status NOT IN ('deleting', 'deleted');

GRANT SELECT ON org_database_health TO tenantry_results;
