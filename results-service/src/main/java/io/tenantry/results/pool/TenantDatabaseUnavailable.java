package io.tenantry.results.pool;

import java.util.Map;

import io.tenantry.common.problem.ApiProblem;

/** The tenant's database server refused or dropped the connection: the request may be retried shortly. */
public class TenantDatabaseUnavailable extends ApiProblem {

    static final long RETRY_AFTER_SECONDS = 1;

    public TenantDatabaseUnavailable() {
        super(503, "Service Unavailable", "the database is unavailable; retry shortly",
                Map.of("Retry-After", Long.toString(RETRY_AFTER_SECONDS)));
    }
}
