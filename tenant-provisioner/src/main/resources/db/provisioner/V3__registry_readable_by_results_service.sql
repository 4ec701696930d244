-- results-service routes each request by the registry; it may read it and nothing else of this schema.
GRANT USAGE ON SCHEMA ${flyway:defaultSchema} TO tenantry_results;
GRANT SELECT ON tenants TO tenantry_results;
