package io.tenantry.results.pool;

import io.smallrye.mutiny.Uni;

/**
 * What this replica remembers of tenants' routes, as far as the pools need it: a tenant database that refuses the
 * tenant's role as a moved tenant's old database would makes its route untrustworthy. Implemented where the routes
 * are kept, so this package need not know that place.
 */
public interface StaleRoutes {

    /** Forgets what is remembered of the organization's route; the next lookup reads the registry. */
    Uni<Void> forget(String orgId);
}
